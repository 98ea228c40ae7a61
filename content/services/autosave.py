"""Autosave: each editor's change form, kept in the background while they type.

One slot per (user, item) (content.AutosaveDraft), overwritten on every autosave; it is
not a revision, so the history keeps one revision per explicit save. The user's explicit
save (entry_update, which still checks the version they loaded) clears their slot.

Only a user who may edit the item has a slot for it (rules.ensure_can_edit). Someone
else's edit lock does not stop autosaving: the work is kept, and the explicit save is
what the lock refuses. Slots are private and change nothing anyone else sees, so they
are not audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from content.models import AutosaveDraft, PublishableCore
from content.services import rules

# Bounds on what a browser's change form can hold: a slot is no place for anything bigger.
MAX_FIELDS = 200
MAX_NAME = 100
MAX_VALUES = 1000
MAX_CHARS = 1_000_000


def _slot(entry: PublishableCore, user: Any):
    return AutosaveDraft.objects.filter(
        user=user,
        content_type=ContentType.objects.get_for_model(entry),
        object_id=entry.pk,
    )


def autosave_clean(data: Any) -> dict[str, str | list[str]]:
    """The form's fields as {name: text or [texts]}; anything else is refused (400)."""
    if not isinstance(data, dict):
        raise ValidationError({"data": ["Must be an object of form fields."]})
    if len(data) > MAX_FIELDS:
        raise ValidationError({"data": [f"At most {MAX_FIELDS} fields."]})
    total = 0
    for name, value in data.items():
        if not name or len(name) > MAX_NAME:
            raise ValidationError({"data": [f"Field names have 1 to {MAX_NAME} characters."]})
        values = value if isinstance(value, list) else [value]
        if len(values) > MAX_VALUES or not all(isinstance(v, str) for v in values):
            raise ValidationError({"data": [f"“{name}”: must be text or a list of texts."]})
        total += sum(len(v) for v in values)
    if total > MAX_CHARS:
        raise ValidationError({"data": [f"At most {MAX_CHARS} characters in all."]})
    return data


@transaction.atomic
def autosave_save(
    *, entry: PublishableCore, user: Any, data: Any, base_version: Any
) -> AutosaveDraft:
    """Keep `user`'s unsaved form of `entry`, loaded at `base_version`; needs edit rights."""
    rules.ensure_not_trashed(entry)
    rules.ensure_can_edit(user, entry)
    if type(base_version) is not int or not 1 <= base_version <= entry.version:
        limit = entry.version
        raise ValidationError(
            {"base_version": [f"Must be the version the form was loaded at (1 to {limit})."]}
        )
    draft, _ = AutosaveDraft.objects.update_or_create(
        user=user,
        content_type=ContentType.objects.get_for_model(entry),
        object_id=entry.pk,
        defaults={
            "data": autosave_clean(data),
            "base_version": base_version,
            "saved_at": timezone.now(),
        },
    )
    return draft


def autosave_get(*, entry: PublishableCore, user: Any) -> AutosaveDraft | None:
    """`user`'s autosaved form of `entry`, if any (only its user ever reads it)."""
    rules.ensure_can_edit(user, entry)
    return _slot(entry, user).first()


def autosave_discard(*, entry: PublishableCore, user: Any) -> bool:
    """Drop `user`'s autosaved form of `entry`; whether there was one."""
    rules.ensure_can_edit(user, entry)
    return autosave_clear(entry=entry, user=user)


def autosave_clear(*, entry: PublishableCore, user: Any) -> bool:
    """Drop the slot without a check: `user` saved the item explicitly (entry_update)."""
    if user is None or entry.pk is None:
        return False
    deleted, _ = _slot(entry, user).delete()
    return bool(deleted)
