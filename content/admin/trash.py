"""The trash in the admin.

Trashed items are hidden from the changelists unless the "In the trash" filter is
chosen. Trash and Restore ask first, on a confirmation page (like Django's delete
confirmation), for one item (the change form's button); in bulk they are bulk jobs
(content.admin.bulk). Trashing says what goes offline; restoring an item that was live offers to
put its live revision back live to whoever the service would let (the same check,
content.services.checks.restore_check), and "restore as a draft" otherwise.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from content.models import PublishableCore
from content.services import checks, trash
from content.services.checks import was_live
from core.admin_services import error_messages
from core.counting import bounded_count

TEMPLATE = "admin/content/trash_confirm.html"


class InTrashFilter(admin.SimpleListFilter):
    title = "trash"
    parameter_name = "trash"

    def lookups(self, request, model_admin):
        return [("only", "In the trash")]

    def queryset(self, request, queryset):
        if self.value() == "only":
            return queryset.filter(deleted_at__isnull=False)
        return queryset.filter(deleted_at__isnull=True)

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        choices[0]["display"] = "Not in the trash"  # the default, "All", hides the trash
        return choices


TRASH_COUNT_CAP = 999


def trash_context(model) -> dict:
    """For the changelist's object tools: a link to the trash and how much is in it."""
    # Bounded like the paginator's count: at most CAP + 1 rows of the partial index.
    tally = bounded_count(model.objects.filter(deleted_at__isnull=False), TRASH_COUNT_CAP)
    return {"folio_trash_count": tally.value if tally.kind == "exact" else f"{tally.value}+"}


class TrashForm(forms.Form):
    """Nothing to fill in: posting it is the confirmation."""


class RestoreForm(forms.Form):
    # Set by the "Restore and republish" button; "Restore as a draft" leaves it out.
    republish = forms.BooleanField(required=False)


# --- What the pages say -------------------------------------------------------------------


def _refusal_text(exc: Exception) -> str:
    return " ".join(msg for msgs in error_messages(exc).values() for msg in msgs)


def trash_warnings(entry: PublishableCore, along: list[str]) -> list[str]:
    """What trashing `entry` takes offline; `along` says what goes with it (the admin's
    trash_along: a page's subpages)."""
    lines = []
    if entry.is_live:
        lines.append(f"“{entry}” is live: it goes offline at once, and the public stops seeing it.")
    lines += along
    lines.append(
        "You can restore it from the trash; an editor can then put what was live back live."
        if entry.is_live
        else "You can restore it from the trash."
    )
    return lines


def restore_offer(user: Any, entry: PublishableCore) -> tuple[list[str], bool]:
    """(What the restore page says, whether it offers "restore and republish")."""
    live = was_live(entry)
    if not live:
        return [f"“{entry}” comes back as a draft, as it was when trashed."], False
    own = entry.trashed_live_revision
    lines = [
        f"“{entry}” was live when it was trashed (revision {own.number})."
        if own
        else f"{len(live)} of the pages restored with it were live when trashed."
    ]
    try:
        checks.restore_check(user, entry, republish=True)
    except (PermissionDenied, ValidationError) as exc:
        lines.append(
            "Restored, it comes back as a draft, offline until it is published again. "
            f"It cannot be put back live now: {_refusal_text(exc)}"
        )
        return lines, False
    lines.append(
        "Restore and republish puts what was live back live (later, unpublished changes stay "
        "pending); restore as a draft keeps it offline until it is published again."
    )
    return lines, True


# --- The pages ------------------------------------------------------------------------------


def _posted(request) -> Any:
    # A POST is the confirmation, even an empty one (the forms have nothing required).
    return request.POST if request.method == "POST" else None


class TrashAdminMixin:
    """For EntryAdmin: the confirmation pages of the trash and restore transitions."""

    def trash_along(self, entry: PublishableCore) -> list[str]:
        """Lines for the trash confirmation on what else goes to the trash with `entry`
        (PageAdmin: its subpages); nothing by default."""
        return []

    def confirm_view(self, request, obj: PublishableCore, transition) -> Any:
        if transition.name == "trash":
            return self.form_tool(
                request,
                obj,
                TrashForm(_posted(request)),
                lambda: trash.entry_trash(entry=obj, actor=request.user),
                lambda entry: f"“{entry}” was moved to the trash.",
                title=f"Move “{obj}” to the trash?",
                intro="",
                submit="",
                template=TEMPLATE,
                warnings=trash_warnings(obj, self.trash_along(obj)),
                choices=[{"key": "trash", "label": "Yes, move it to the trash", "css": "danger"}],
            )
        lines, republish = restore_offer(request.user, obj)
        choices = [{"key": "draft", "label": "Restore as a draft" if republish else "Restore"}]
        if republish:
            choices.insert(
                0, {"key": "republish", "label": "Restore and republish", "republish": True}
            )
        return self.form_tool(
            request,
            obj,
            RestoreForm(_posted(request)),
            lambda republish: trash.entry_restore(
                entry=obj, actor=request.user, republish=republish
            ),
            lambda entry: (
                f"“{entry}” was restored and is live again."
                if entry.is_live
                else f"“{entry}” was restored as a draft."
            ),
            title=f"Restore “{obj}”?",
            intro="",
            submit="",
            template=TEMPLATE,
            warnings=lines,
            choices=choices,
        )
