"""Categories, tags and locales: create, update, delete (409 while in use)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, ProtectedError
from django.utils.text import slugify

from accounts.audit import audit_record
from content.hooks import references_changed
from content.models import Category, Locale, Tag
from content.services.references import is_referenced
from content.services.rules import ensure_perm
from core.exceptions import Conflict

FIELDS: dict[type[Model], tuple[str, ...]] = {
    Category: ("name", "slug", "locale", "parent", "description"),
    Tag: ("name", "slug", "locale"),
    Locale: ("code", "name", "is_default"),
}


def _label(obj: Model | type[Model]) -> str:
    return obj._meta.model_name


def _validate(obj: Model) -> None:
    if isinstance(obj, Category | Tag):
        obj.slug = obj.slug or slugify(obj.name)[:100] or "untitled"
        if not obj.name.strip():
            raise ValidationError({"name": ["A name is required."]})
    if isinstance(obj, Category) and obj.parent is not None:
        node, seen = obj.parent, set()
        while node is not None:
            if node.pk == obj.pk or node.pk in seen:
                raise ValidationError({"parent": ["A category cannot be its own ancestor."]})
            if node.locale_id != obj.locale_id:
                raise ValidationError({"parent": ["The parent is in another locale."]})
            seen.add(node.pk)
            node = node.parent
    try:
        obj.full_clean(validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def _save(obj: Model, actor: Any, verb: str, changes: dict) -> Model:
    if isinstance(obj, Locale) and obj.is_default:
        # One default at a time: promoting a locale demotes the previous default.
        Locale.objects.filter(is_default=True).exclude(pk=obj.pk).update(is_default=False)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ValidationError({"slug": ["Already used in this locale."]}) from exc
    audit_record(actor=actor, action=f"{_label(obj)}.{verb}", target=obj, changes=changes)
    return obj


@transaction.atomic
def taxonomy_create(*, model: type[Model], actor: Any, data: dict[str, Any]) -> Model:
    """Create a category, tag or locale; slugs default to the slugified name."""
    ensure_perm(actor, model, "add")
    if model is not Locale and data.get("locale") is None:
        from content.services.entries import locale_default

        data = {**data, "locale": locale_default()}
    obj = model(**{k: v for k, v in data.items() if k in FIELDS[model]})
    _validate(obj)
    return _save(obj, actor, "create", {k: str(v) for k, v in data.items()})


@transaction.atomic
def taxonomy_update(*, obj: Model, actor: Any, data: dict[str, Any]) -> Model:
    """Rename or re-parent; items using it get their snapshots rebuilt."""
    ensure_perm(actor, obj, "change")
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    changes = {}
    for name, value in data.items():
        if name not in FIELDS[type(obj)]:
            raise ValidationError({name: ["Unknown or read-only field."]})
        moved = getattr(obj, "locale_id", None) != getattr(value, "pk", None)
        if name == "locale" and moved and is_referenced(obj):
            raise ValidationError({"locale": ["Items use this; it cannot change locale."]})
        if name == "is_default" and value is False and obj.is_default:
            raise ValidationError({"is_default": ["Make another locale the default instead."]})
        if getattr(obj, name) != value:
            changes[name] = [str(getattr(obj, name)), str(value)]
            setattr(obj, name, value)
    if not changes:
        return obj
    _validate(obj)
    _save(obj, actor, "update", changes)
    model, pk = type(obj), obj.pk
    references_changed.send(sender=model, target_ids=[pk])
    return obj


@transaction.atomic
def taxonomy_delete(*, obj: Model, actor: Any) -> None:
    """Delete a category, tag or locale; 409 while anything uses it."""
    ensure_perm(actor, obj, "delete")
    if isinstance(obj, Locale) and obj.is_default:
        raise Conflict("The default locale cannot be deleted.")
    if not isinstance(obj, Locale) and is_referenced(obj):
        raise Conflict("This is in use; remove it from those items first.")
    audit_record(
        actor=actor, action=f"{_label(obj)}.delete", target=obj, changes={"name": str(obj)}
    )
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as exc:
        raise Conflict("This is in use (by items, subcategories or redirects).") from exc
