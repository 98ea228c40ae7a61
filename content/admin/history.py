"""The revision history of an item in the admin: the panel rows, the diff and revert.

Diffs compare two stored snapshots field by field (content.services.revisions). The
body is shown as one line of plain text per block, so an editor sees which
paragraphs changed rather than a JSON dump; related ids are shown by name.
"""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.http import Http404, HttpResponseNotAllowed
from django.template.response import TemplateResponse

from content.admin import transitions
from content.admin.forms import STALE
from content.blocks import plain_text
from content.models import PublishableCore, Revision
from content.services import lifecycle
from content.services.revisions import revision_diff, revision_get, revision_list
from core.admin_services import report_refusal
from core.exceptions import PreconditionFailed

HISTORY_LIMIT = 50


def history_rows(entry: PublishableCore) -> list[dict[str, Any]]:
    """The latest revisions, newest first, flagged live / latest."""
    return [
        {
            "revision": revision,
            "is_live": revision.pk == entry.live_revision_id,
            "is_latest": revision.pk == entry.latest_revision_id,
        }
        for revision in revision_list(entry=entry)[:HISTORY_LIMIT]
    ]


def block_line(block: dict[str, Any]) -> str:
    """One block as a line of text for diffs."""
    kind, value = block.get("type"), block.get("value") or {}
    if kind == "heading":
        return f"Heading {value.get('level')}: {plain_text(value.get('text', ''))}"
    if kind == "image":
        return f"Image #{value.get('image')} “{value.get('alt', '')}” {value.get('caption', '')}"
    if kind == "list":
        return "List: " + " · ".join(plain_text(item) for item in value.get("items", []))
    if kind == "code":
        return f"Code ({value.get('language') or 'text'}): {value.get('code', '')}"
    if kind == "embed":
        return f"Embed: {value.get('url', '')}"
    text = plain_text(value.get("text", ""))
    if kind == "quote" and value.get("attribution"):
        text += f" — {value['attribution']}"
    return text if kind == "paragraph" else f"{str(kind).capitalize()}: {text}"


def _related_model(model: type[PublishableCore], field: str) -> type[Model] | None:
    """The model a snapshot field's ids point to (None: not a relation)."""
    try:
        model_field = model._meta.get_field(field)
    except FieldDoesNotExist:
        return None
    return model_field.related_model if model_field.is_relation else None


def _names(model: type[PublishableCore], field: str, value: Any) -> Any:
    related = _related_model(model, field)
    ids = value if isinstance(value, list) else [value]
    # Snapshots keep relations as ids (the locale as its code, shown as it is).
    if related is None or not ids or not all(type(pk) is int for pk in ids):
        return value
    names = {obj.pk: str(obj) for obj in related.objects.filter(pk__in=ids)}
    shown = [names.get(pk, f"#{pk} (deleted)") for pk in ids]
    return ", ".join(shown) if isinstance(value, list) else shown[0]


def diff_rows(old: Revision, new: Revision, model: type[PublishableCore]) -> list[dict[str, Any]]:
    """[{field, from, to} | {field, lines: [(op, text)]}] for every field that differs;
    related ids (of `model`'s relations) shown by name."""
    rows = []
    for field, change in revision_diff(old=old, new=new).items():
        if field == "body":
            before = [block_line(b) for b in change["from"] or []]
            after = [block_line(b) for b in change["to"] or []]
            lines = [
                (line[0], line[2:])
                for line in difflib.ndiff(before, after)
                if not line.startswith("?")
            ]
            rows.append({"field": field, "lines": lines})
        else:
            rows.append(
                {
                    "field": field,
                    "from": _names(model, field, change["from"]),
                    "to": _names(model, field, change["to"]),
                }
            )
    return rows


class HistoryAdminMixin:
    """For EntryAdmin: the diff of two revisions, and revert (a new revision, via the service)."""

    def diff_view(self, request, object_id, number):
        obj = self._entry_or_404(request, object_id)
        try:
            new = revision_get(entry=obj, number=number)
            against = int(request.GET.get("against", number - 1))
            old = revision_get(entry=obj, number=against)
        except (ValidationError, ValueError):
            raise Http404 from None
        return TemplateResponse(
            request,
            "admin/content/revision_diff.html",
            {
                **self.admin_site.each_context(request),
                "title": f"“{obj}”: revision {old.number} → {new.number}",
                "opts": self.opts,
                "original": obj,
                "old": old,
                "new": new,
                "rows": diff_rows(old, new, type(obj)),
                "can_revert": self.has_change_permission(request, obj),
                "media": self.media,
            },
        )

    def revert_view(self, request, object_id, number):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._entry_or_404(request, object_id)
        version = request.POST.get("version", "")
        try:
            entry = lifecycle.revision_revert(
                entry=obj,
                actor=request.user,
                number=number,
                expected_version=int(version) if version.isdigit() else None,
            )
        except PreconditionFailed as exc:
            kind, current = self.opts.verbose_name, exc.details["current_version"]
            messages.error(request, STALE.format(kind=kind, current=current))
        except transitions.REFUSALS as exc:
            report_refusal(request, exc, prefix=f"“{obj}”: ")
        else:
            latest = entry.latest_revision.number if entry.latest_revision_id else number
            messages.success(
                request, f"Reverted “{entry}” to revision {number} (saved as revision {latest})."
            )
        return self._back(obj)
