"""Every write to a flag, switch or sample ("toggles", waffle's three models): the
permission, the checks, the audit row. The admin and the commands call these; nothing
else writes the rows (waffle's own admin pages are off, and its commands are replaced by
audited ones: flags/management/commands).

waffle empties its cache of a row when the row's transaction commits (its save and delete
register the flush with on_commit), so the next read, in every process, sees the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from waffle.models import Flag, Sample, Switch

from accounts.audit import audit_changes, audit_record
from accounts.roles import require_perm
from flags.capabilities import SWITCH_NAMES
from flags.models import PublicFlag

KINDS: dict[type[models.Model], str] = {Flag: "flag", Switch: "switch", Sample: "sample"}
BOOKKEEPING = ("created", "modified")  # waffle sets these itself
# The highest percentage each kind stores (a flag's field holds 99.9 at most: "everyone"
# is its 100%).
MAX_PERCENT = {Flag: Decimal("99.9"), Sample: Decimal("100")}

Toggle = Flag | Switch | Sample


def toggle_fields(model: type[models.Model]) -> tuple[str, ...]:
    """What an Administrator sets on a toggle of this kind (a flag's groups and users
    apart): its fields, and whether a flag is public (flags.models.PublicFlag)."""
    fields = tuple(
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in BOOKKEEPING
    )
    return (*fields, "public") if model is Flag else fields


def toggle_settings(toggle: Toggle) -> dict[str, Any]:
    """A toggle as the audit log records it: its settings, and a flag's groups and users."""
    fields = [name for name in toggle_fields(type(toggle)) if name != "public"]
    values = {name: getattr(toggle, name) for name in fields}
    if isinstance(toggle, Flag) and toggle.pk:
        values["public"] = PublicFlag.objects.filter(flag=toggle).exists()
        values["groups"] = sorted(toggle.groups.values_list("name", flat=True))
        values["users"] = sorted(toggle.users.values_list("email", flat=True))
    return values


def _kind(model: type[models.Model]) -> str:
    if model not in KINDS:
        raise TypeError(f"{model.__name__} is not a flag, switch or sample.")
    return KINDS[model]


def _require(actor: Any, model: type[models.Model], action: str) -> None:
    opts = model._meta
    require_perm(actor, f"{opts.app_label}.{action}_{opts.model_name}")


def _clean(model: type[models.Model], data: dict[str, Any]) -> dict[str, Any]:
    allowed = toggle_fields(model)
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in unknown})
    cleaned = dict(data)
    if "name" in cleaned:
        cleaned["name"] = str(cleaned["name"] or "").strip()
    if cleaned.get("percent") is not None:
        try:
            cleaned["percent"] = Decimal(str(cleaned["percent"]))
        except InvalidOperation:
            raise ValidationError({"percent": ["Give a number."]}) from None
        if not Decimal(0) <= cleaned["percent"] <= MAX_PERCENT[model]:
            raise ValidationError({"percent": [f"Between 0 and {MAX_PERCENT[model]}."]})
    return cleaned


def _save(
    toggle: Toggle,
    public: bool | None,
    groups: Iterable[Group] | None,
    users: Iterable[Any] | None,
) -> None:
    # Every field's own rules (a unique name, the percentage's digits) before the write.
    toggle.full_clean(exclude=["groups", "users"])
    toggle.save()
    if not isinstance(toggle, Flag):
        return
    if public is True:
        PublicFlag.objects.get_or_create(flag=toggle)
    elif public is False:
        PublicFlag.objects.filter(flag=toggle).delete()
    if groups is not None:
        toggle.groups.set(groups)
    if users is not None:
        toggle.users.set(users)


@transaction.atomic
def toggle_create(
    *,
    actor: Any,
    model: type[models.Model],
    data: dict[str, Any],
    groups: Iterable[Group] | None = None,
    users: Iterable[Any] | None = None,
) -> Toggle:
    """Create a flag, switch or sample (Administrators: the model's add permission)."""
    kind = _kind(model)
    _require(actor, model, "add")
    data = _clean(model, data)
    public = data.pop("public", None)
    toggle = model(**data)
    _save(toggle, public, groups, users)
    audit_record(
        actor=actor, action=f"{kind}.create", target=toggle, changes=toggle_settings(toggle)
    )
    return toggle


@transaction.atomic
def toggle_update(
    *,
    actor: Any,
    toggle: Toggle,
    data: dict[str, Any],
    groups: Iterable[Group] | None = None,
    users: Iterable[Any] | None = None,
) -> Toggle:
    """Change a toggle; Folio's capability switches keep their names. One audit row with
    [old, new] per changed setting, none when nothing changed."""
    model = type(toggle)
    kind = _kind(model)
    _require(actor, model, "change")
    toggle = model.objects.select_for_update().get(pk=toggle.pk)
    before = toggle_settings(toggle)
    data = _clean(model, data)
    if (
        kind == "switch"
        and toggle.name in SWITCH_NAMES
        and data.get("name", toggle.name) != (toggle.name)
    ):
        raise ValidationError({"name": ["Folio reads this switch by its name: keep it."]})
    public = data.pop("public", None)
    for name, value in data.items():
        setattr(toggle, name, value)
    _save(toggle, public, groups, users)
    after = toggle_settings(toggle)
    changes = audit_changes(before, after)
    if changes:
        audit_record(actor=actor, action=f"{kind}.update", target=toggle, changes=changes)
    return toggle


@transaction.atomic
def toggle_delete(*, actor: Any, toggle: Toggle) -> None:
    """Delete a toggle; Folio's capability switches are turned off, never deleted."""
    model = type(toggle)
    kind = _kind(model)
    _require(actor, model, "delete")
    if kind == "switch" and toggle.name in SWITCH_NAMES:
        raise ValidationError(
            f"{toggle.name} is one of Folio's own switches: turn it off instead of deleting it."
        )
    audit_record(
        actor=actor,
        action=f"{kind}.delete",
        target=toggle,
        changes=toggle_settings(toggle),
        metadata={"id": toggle.pk},
    )
    toggle.delete()


def switch_set(*, actor: Any, name: str, active: bool) -> Switch:
    """Turn the named switch on or off (it must exist)."""
    switch = Switch.objects.filter(name=name).first()
    if switch is None:
        raise ValidationError({"name": [f"No switch is called {name!r}."]})
    return toggle_update(actor=actor, toggle=switch, data={"active": active})
