"""What a bulk job can do to each item: one Operation per action, each calling the very
service the single-item button or form calls (so rules, permissions, workflows and
content policies refuse the same way, and audit the same way).

An operation's parameters are JSON (they are stored on the job): `clean` checks them
once when the job is created, `apply` turns them into the service's arguments per item.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from content.models import Category, PublishableCore, Tag
from content.services import checks, entries, lifecycle, review, trash
from content.types import EntryType
from core.filters import to_utc

Params = dict[str, Any]


@dataclass(frozen=True)
class Operation:
    name: str
    label: str  # "Publish"; the admin's action reads "Publish selected articles…"
    done: str  # past tense: "published"
    # The ModelAdmin's has_<permission>_permission offers it (content.admin.bulk), and the
    # job's creation asks the same of the type (content.services.bulk).
    permission: str
    apply: Callable[[PublishableCore, Any, Params], Any]
    clean: Callable[[Params], Params] = lambda params: {}
    # Fields the type must let editors change ("category"): a page has no category.
    needs: tuple[str, ...] = ()
    # The changelist's "Action" menu entry, when "<label> selected <items>…" reads badly.
    menu: str = ""
    note: str = ""  # what the confirmation page warns about
    destructive: bool = False  # its confirm button is drawn as a danger

    @property
    def description(self) -> str:
        return self.menu or f"{self.label} selected %(verbose_name_plural)s…"

    def offered_for(self, entry_type: EntryType) -> bool:
        return all(name in entry_type.editable_fields for name in self.needs)


# --- Parameters -------------------------------------------------------------------------


def _when(params: Params, name: str) -> datetime | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({name: ["Must be an ISO 8601 date-time."]})
    return to_utc(parsed, name)


def _schedule_clean(params: Params) -> Params:
    cleaned: Params = {}
    for name in ("publish_at", "expire_at"):
        when = _when(params, name)
        # The service checks this per item; a time in the past would fail every one.
        if when is not None and when <= timezone.now():
            raise ValidationError({name: ["Must be in the future."]})
        cleaned[name] = when.isoformat() if when else None
    return cleaned


def _comment_clean(params: Params) -> Params:
    comment = params.get("comment")
    if not isinstance(comment, str) or not comment.strip():
        raise ValidationError({"comment": ["A rejection needs a comment."]})
    if len(comment) > 2000:
        raise ValidationError({"comment": ["At most 2000 characters."]})
    return {"comment": comment.strip()}


def _ids(params: Params, name: str, model: type, *, allow_none: bool = False) -> Any:
    value = params.get(name)
    if value is None and allow_none:
        return None
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise ValidationError({name: ["Choose at least one."]})
    found = set(model.objects.filter(pk__in=values).values_list("pk", flat=True))
    missing = [str(v) for v in values if v not in found]
    if missing:
        raise ValidationError({name: [f"Unknown id(s): {', '.join(missing)}."]})
    return value


def _category_clean(params: Params) -> Params:
    return {"category": _ids(params, "category", Category, allow_none=True)}


def _tags_clean(params: Params) -> Params:
    return {"tags": list(dict.fromkeys(_ids(params, "tags", Tag)))}


def _owner_clean(params: Params) -> Params:
    owner = params.get("owner")
    valid = isinstance(owner, int) and not isinstance(owner, bool)
    if not valid or not get_user_model().objects.filter(pk=owner, is_active=True).exists():
        raise ValidationError({"owner": ["Choose an active user."]})
    return {"owner": owner}


def _restore_clean(params: Params) -> Params:
    return {"republish": bool(params.get("republish"))}


# --- Per item ---------------------------------------------------------------------------


def _tags_set(entry: PublishableCore, actor: Any, tags: list[int], *, add: bool) -> Any:
    current = list(entry.tags.values_list("pk", flat=True))
    if add:
        wanted = [*current, *(t for t in tags if t not in current)]
    else:
        wanted = [t for t in current if t not in tags]
    # An edit like the change form's: a new revision, and back to draft if it was in review.
    return entries.entry_update(entry=entry, actor=actor, data={"tags": wanted})


def _restore(entry: PublishableCore, actor: Any, params: Params) -> Any:
    # "Republish those that were live": the others come back as drafts.
    republish = params["republish"] and bool(checks.was_live(entry))
    return trash.entry_restore(entry=entry, actor=actor, republish=republish)


def _simple(service: Callable[..., Any]) -> Callable[[PublishableCore, Any, Params], Any]:
    return lambda entry, actor, params: service(entry=entry, actor=actor)


# Operations that change fields save a draft revision rather than the live version.
NEW_DRAFT = (
    "Each item gets a new draft revision; a published item keeps its live version until it "
    "is published again, and an item in review goes back to draft."
)


def _tags_operation(name: str, label: str, done: str, *, add: bool) -> Operation:
    return Operation(
        name,
        label,
        done,
        "change",
        lambda entry, actor, p: _tags_set(entry, actor, p["tags"], add=add),
        clean=_tags_clean,
        needs=("tags",),
        menu=f"{label} {'to' if add else 'from'} selected %(verbose_name_plural)s…",
        note=NEW_DRAFT,
    )


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "submit", "Submit for review", "submitted", "change", _simple(lifecycle.entry_submit)
    ),
    Operation("approve", "Approve", "approved", "review", _simple(lifecycle.entry_approve)),
    Operation(
        "reject",
        "Reject",
        "rejected",
        "review",
        lambda entry, actor, p: lifecycle.entry_reject(
            entry=entry, actor=actor, message=p["comment"]
        ),
        clean=_comment_clean,
    ),
    Operation("publish", "Publish", "published", "publish", _simple(lifecycle.entry_publish)),
    Operation(
        "unpublish", "Unpublish", "unpublished", "publish", _simple(lifecycle.entry_unpublish)
    ),
    Operation(
        "schedule",
        "Schedule",
        "scheduled",
        "publish",
        lambda entry, actor, p: lifecycle.entry_schedule(
            entry=entry,
            actor=actor,
            publish_at=p["publish_at"] and datetime.fromisoformat(p["publish_at"]),
            expire_at=p["expire_at"] and datetime.fromisoformat(p["expire_at"]),
        ),
        clean=_schedule_clean,
    ),
    Operation("archive", "Archive", "archived", "publish", _simple(lifecycle.entry_archive)),
    Operation(
        "category",
        "Move to a category",
        "moved",
        "change",
        lambda entry, actor, p: entries.entry_update(
            entry=entry, actor=actor, data={"category": p["category"]}
        ),
        clean=_category_clean,
        needs=("category",),
        menu="Move selected %(verbose_name_plural)s to a category…",
        note=NEW_DRAFT,
    ),
    _tags_operation("add_tags", "Add tags", "tagged", add=True),
    _tags_operation("remove_tags", "Remove tags", "untagged", add=False),
    Operation(
        "owner",
        "Change owner",
        "handed over",
        "publish",
        lambda entry, actor, p: review.entry_set_owner(
            entry=entry, actor=actor, owner_id=p["owner"]
        ),
        clean=_owner_clean,
        menu="Change the owner of selected %(verbose_name_plural)s…",
    ),
    Operation(
        "trash",
        "Move to the trash",
        "moved to the trash",
        "trash",
        _simple(trash.entry_trash),
        menu="Move selected %(verbose_name_plural)s to the trash…",
        note="Live items go offline at once; pages take their subpages along. "
        "You can restore them from the trash.",
        destructive=True,
    ),
    Operation("restore", "Restore", "restored", "trash", _restore, clean=_restore_clean),
)
BY_NAME = {operation.name: operation for operation in OPERATIONS}
