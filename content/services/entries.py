"""Create and update publishable items (drafts): the only write paths for their content.

Every save validates and sanitises the body, derives a unique slug when none is given,
bumps `version`, writes a Revision (full snapshot), rebuilds references and is audited.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, models, transaction
from django.db.models import Model
from django.utils.text import slugify

from accounts.audit import audit_record
from content.blocks import body_clean
from content.hooks import announce, entry_changed
from content.models import Category, Locale, MediaAsset, MediaKind, PublishableCore, Status, Tag
from content.services import rules
from content.services.autosave import autosave_clear
from content.services.references import references_rebuild
from content.services.revisions import revision_create
from content.types import entry_type_for
from core.exceptions import PreconditionFailed
from core.filters import to_utc

# Media fields that show an image (the others may hold any file).
IMAGE_FIELDS = ("og_image", "cover_image")
# Editing content someone approved (or is reviewing) voids that approval.
BACK_TO_DRAFT = (Status.IN_REVIEW, Status.APPROVED)


def model_label(entry: PublishableCore | type[PublishableCore]) -> str:
    """The type's API name, which audit actions start with ("article.publish")."""
    return entry_type_for(entry).api_name


def lock(entry: PublishableCore) -> PublishableCore:
    """Re-read the row under a lock, so concurrent transitions serialise."""
    return type(entry).objects.select_for_update().get(pk=entry.pk)


def locale_default() -> Locale:
    """The default locale, created on first use if the table is empty."""
    from django.conf import settings

    locale = Locale.objects.filter(is_default=True).first()
    if locale is None:
        locale, _ = Locale.objects.get_or_create(
            code=settings.CONTENT_DEFAULT_LOCALE, defaults={"name": "Default", "is_default": True}
        )
    return locale


def to_instance(model: type[Model], value: Any, name: str) -> Model | None:
    """Accept an instance or a primary key (revisions store keys)."""
    if value is None or isinstance(value, model):
        return value
    obj = model.objects.filter(pk=value).first() if isinstance(value, int) else None
    if obj is None:
        raise ValidationError(
            {name: [f"{model._meta.verbose_name.capitalize()} {value} does not exist."]}
        )
    return obj


def _instances(model: type[Model], values: Any, name: str) -> list[Model]:
    if not isinstance(values, list | tuple | set):
        raise ValidationError({name: ["Must be a list."]})
    ids = [v.pk if isinstance(v, model) else v for v in values]
    found = {
        obj.pk: obj for obj in model.objects.filter(pk__in=[i for i in ids if isinstance(i, int)])
    }
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({name: [f"Unknown id(s): {', '.join(missing)}."]})
    return [found[i] for i in dict.fromkeys(ids)]


def _parse_datetime(value: Any, name: str) -> datetime | None:
    if value is None:
        return value
    if isinstance(value, datetime):
        return to_utc(value, name)
    try:
        return to_utc(datetime.fromisoformat(value), name)
    except (TypeError, ValueError):
        raise ValidationError({name: ["Must be an ISO 8601 date-time."]}) from None


def _parse_date(value: Any, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError({name: ["Must be an ISO 8601 date."]}) from None


def _slug_taken(entry: PublishableCore, slug: str) -> bool:
    clash = type(entry).objects.filter(locale_id=entry.locale_id, slug=slug, deleted_at=None)
    clash = entry_type_for(entry).behaviour.slug_clashes(entry, clash)
    return clash.exclude(pk=entry.pk).exists()


def unique_slug(entry: PublishableCore, base: str) -> str:
    """`base`, or `base-2`, `base-3`... whichever is free in the item's scope."""
    base = (base or "untitled")[:240].strip("-") or "untitled"
    slug, n = base, 1
    while _slug_taken(entry, slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_text(name: str, value: Any, limit: int | None) -> str:
    if not isinstance(value, str):
        raise ValidationError({name: ["Must be a string."]})
    value = value.strip()
    if limit is not None and len(value) > limit:
        raise ValidationError({name: [f"At most {limit} characters."]})
    if name == "title" and not value:
        raise ValidationError({"title": ["A title is required."]})
    return value


def _clean_value(entry: PublishableCore, name: str, value: Any, actor: Any) -> Any:
    """`value` as the field takes it: core fields by name, a type's own by the field's kind."""
    field = entry._meta.get_field(name)
    if name == "body":
        return body_clean(value)
    if name in IMAGE_FIELDS:
        media = to_instance(MediaAsset, value, name)
        if media is not None and media.kind != MediaKind.IMAGE:
            raise ValidationError({name: ["Must be an image."]})
        return media
    if name == "category":
        category = to_instance(Category, value, name)
        if category is not None and category.locale_id != entry.locale_id:
            raise ValidationError({name: ["The category belongs to another locale."]})
        return category
    if name == "tags":
        tags = _instances(Tag, value, name)
        if any(tag.locale_id != entry.locale_id for tag in tags):
            raise ValidationError({name: ["Every tag must be in the item's locale."]})
        return tags
    if (
        name == "owner"
        and rules.is_restricted(actor, entry)
        and (getattr(value, "pk", value) != actor.pk)
    ):
        raise PermissionDenied("Only editors may give an item to someone else.")
    if field.many_to_many:
        return _instances(field.related_model, value, name)
    if field.is_relation:
        return to_instance(field.related_model, value, name)
    if isinstance(field, models.DateTimeField):
        return _parse_datetime(value, name)
    if isinstance(field, models.DateField):
        return _parse_date(value, name)
    if isinstance(field, models.CharField | models.TextField):
        return _clean_text(name, value, field.max_length)
    return value


def _apply(entry: PublishableCore, data: dict[str, Any], actor: Any) -> tuple[dict, dict]:
    """Set fields from `data`; return (changes for the audit, m2m values to set)."""
    changes: dict[str, list] = {}
    m2m: dict[str, list] = {}
    for name, raw in data.items():
        if name == "slug":
            continue
        value = _clean_value(entry, name, raw, actor)
        field = entry._meta.get_field(name)
        if field.many_to_many:
            before = sorted(getattr(entry, name).values_list("pk", flat=True)) if entry.pk else []
            after = sorted(obj.pk for obj in value)
            if before != after:
                m2m[name] = value
                changes[name] = [before, after]
            continue
        before = getattr(entry, field.attname)
        setattr(entry, name, value)
        after = getattr(entry, field.attname)
        if before != after:
            changes[name] = [before, after] if name != "body" else ["…", "…"]
    if "slug" in data or entry.slug == "":
        raw = data.get("slug")
        if raw in (None, ""):
            slug = entry.slug or unique_slug(entry, slugify(entry.title))
        else:
            if not isinstance(raw, str):
                raise ValidationError({"slug": ["Must be a string."]})
            try:
                validate_slug(raw)
            except ValidationError:
                raise ValidationError(
                    {"slug": ["Use only letters, numbers, underscores or hyphens."]}
                ) from None
            slug = raw[:255]
        if slug != entry.slug:
            changes["slug"] = [entry.slug, slug]
            entry.slug = slug
    if "slug" in changes and _slug_taken(entry, entry.slug):
        raise ValidationError({"slug": ["This slug is already used in this locale."]})
    return changes, m2m


def _unknown(model: type[PublishableCore], data: dict, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({name: ["Unknown or read-only field."] for name in unknown})


def _save(entry: PublishableCore, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            entry.save(**kwargs)
    except IntegrityError as exc:
        # The slug check above races with concurrent saves; the constraint has the last word.
        raise ValidationError({"slug": ["This slug is already used in this locale."]}) from exc


def _record_save(entry: PublishableCore, actor: Any, m2m: dict, message: str) -> None:
    for name, values in m2m.items():
        getattr(entry, name).set(values)
    revision = revision_create(entry=entry, actor=actor, message=message)
    entry.latest_revision = revision
    entry.has_unpublished_changes = entry.live_revision_id != revision.pk
    type(entry).objects.filter(pk=entry.pk).update(
        latest_revision=revision, has_unpublished_changes=entry.has_unpublished_changes
    )
    references_rebuild(entry=entry)


def entry_changes_apply(
    *, entry: PublishableCore, actor: Any, data: dict[str, Any]
) -> tuple[dict[str, list], dict[str, list]]:
    """Check and clean an edit of `entry` and set it on the instance, writing nothing:
    what entry_update saves, and what a live preview shows (content.services.preview).
    Returns (changes for the audit, many-to-many values to set)."""
    entry_type = entry_type_for(entry)
    data = dict(data)
    _unknown(type(entry), data, entry_type.editable_fields + entry_type.behaviour.own_fields())
    entry_type.behaviour.fold(entry, data, created=False)
    changes, m2m = _apply(entry, data, actor)
    if changes:
        # Where the change puts it (another category): still within the actor's rights.
        rules.ensure_perm(actor, entry, "change")
    return changes, m2m


@transaction.atomic
def entry_create(
    *, model: type[PublishableCore], actor: Any, data: dict[str, Any], message: str = ""
) -> PublishableCore:
    """Create a draft owned by the actor; only a title is required, the slug is derived."""
    rules.ensure_perm(actor, model, "add")
    entry_type = entry_type_for(model)
    data = dict(data)
    _unknown(model, data, entry_type.create_fields + entry_type.behaviour.own_fields())
    entry = model(
        locale=to_instance(Locale, data.pop("locale", None), "locale") or locale_default(),
        owner=actor,
        status=Status.DRAFT,
        slug="",
        next_review_at=rules.review_due_date(model),
    )
    if data.get("translation_key"):
        try:
            entry.translation_key = uuid.UUID(str(data.pop("translation_key")))
        except ValueError:
            raise ValidationError({"translation_key": ["Must be a UUID."]}) from None
        if model.objects.filter(
            translation_key=entry.translation_key, locale=entry.locale
        ).exists():
            raise ValidationError({"translation_key": ["This locale already has a translation."]})
    data.pop("translation_key", None)
    entry_type.behaviour.prepare_create(entry, data, actor)
    entry_type.behaviour.fold(entry, data, created=True)
    if not data.get("title"):
        raise ValidationError({"title": ["A title is required."]})
    changes, m2m = _apply(entry, data, actor)
    # Placed now (locale, parent page, category): a section's author creates only inside it.
    rules.ensure_perm(actor, entry, "add")
    _save(entry)
    entry_type.behaviour.after_save(entry, changes, created=True)
    _record_save(entry, actor, m2m, message or "Created")
    audit_record(
        actor=actor,
        action=f"{model_label(entry)}.create",
        target=entry,
        changes={"title": entry.title, "slug": entry.slug, "locale": entry.locale.code},
    )
    announce(entry_changed, entry, action="create")
    return entry


@transaction.atomic
def entry_update(
    *,
    entry: PublishableCore,
    actor: Any,
    data: dict[str, Any],
    expected_version: int | None = None,
    message: str = "",
) -> PublishableCore:
    """Save new draft content; a published item keeps its live revision until the next publish."""
    entry = lock(entry)
    rules.ensure_not_trashed(entry)
    rules.ensure_can_edit(actor, entry)
    rules.ensure_not_locked(actor, entry)
    if expected_version is not None and expected_version != entry.version:
        raise PreconditionFailed(current_version=entry.version)
    # The actor's explicit save supersedes their autosaved form (content.services.autosave).
    autosave_clear(entry=entry, user=actor)
    changes, m2m = entry_changes_apply(entry=entry, actor=actor, data=data)
    if not changes:
        return entry
    if entry.status in BACK_TO_DRAFT:
        changes["status"] = [entry.status, Status.DRAFT]
        entry.status = Status.DRAFT
    entry.version += 1
    _save(entry)
    entry_type_for(entry).behaviour.after_save(entry, changes, created=False)
    _record_save(entry, actor, m2m, message)
    audit_record(
        actor=actor,
        action=f"{model_label(entry)}.update",
        target=entry,
        changes=changes,
        metadata={"version": entry.version, "revision": entry.latest_revision.number},
    )
    announce(entry_changed, entry, action="update")
    return entry
