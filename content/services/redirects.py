"""Redirects: automatic ones when a public path changes, and editors' manual ones."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import audit_record
from content.models import Locale, Redirect
from content.services.rules import ensure_perm


def redirect_auto_create(
    *, old_path: str, new_path: str, locale: Locale, target: Any = None
) -> Redirect | None:
    """Send `old_path` to `new_path`, flattening chains and never redirecting a live path."""
    if old_path == new_path:
        return None
    # The new path is live again, so nothing may redirect away from it.
    Redirect.objects.filter(locale=locale, old_path=new_path).delete()
    # Earlier redirects into the old path now lead straight to the new one (no chains).
    Redirect.objects.filter(locale=locale, new_path=old_path).update(new_path=new_path)
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    redirect, _ = Redirect.objects.update_or_create(
        locale=locale,
        old_path=old_path,
        defaults={
            "new_path": new_path,
            "target_content_type": target_type,
            "target_object_id": target.pk if target is not None else None,
            "is_auto": True,
            "is_permanent": True,
        },
    )
    return redirect


def _normalise(path: str, name: str) -> str:
    path = (path or "").strip()
    if not path.startswith("/") or path.startswith("//") or len(path) > 1024:
        raise ValidationError({name: ["Must be a site path starting with a single /."]})
    return path


@transaction.atomic
def redirect_create(*, actor: Any, data: dict[str, Any]) -> Redirect:
    """Add a manual redirect; an old path may redirect only once per locale."""
    ensure_perm(actor, Redirect, "add")
    old_path = _normalise(data.get("old_path", ""), "old_path")
    new_path = _normalise(data.get("new_path", ""), "new_path")
    if old_path == new_path:
        raise ValidationError({"new_path": ["Must differ from old_path."]})
    locale = data["locale"]
    if Redirect.objects.filter(locale=locale, old_path=old_path).exists():
        raise ValidationError({"old_path": ["A redirect from this path already exists."]})
    redirect = Redirect.objects.create(
        old_path=old_path,
        new_path=new_path,
        locale=locale,
        is_permanent=data.get("is_permanent", True),
    )
    audit_record(
        actor=actor,
        action="redirect.create",
        target=redirect,
        changes={"old_path": old_path, "new_path": new_path},
    )
    return redirect


@transaction.atomic
def redirect_update(*, redirect: Redirect, actor: Any, data: dict[str, Any]) -> Redirect:
    """Change where a redirect leads, or whether it is permanent."""
    ensure_perm(actor, Redirect, "change")
    changes: dict[str, list[Any]] = {}
    if "new_path" in data:
        new_path = _normalise(data["new_path"], "new_path")
        if new_path == redirect.old_path:
            raise ValidationError({"new_path": ["Must differ from old_path."]})
        changes["new_path"] = [redirect.new_path, new_path]
        redirect.new_path = new_path
    if "is_permanent" in data:
        changes["is_permanent"] = [redirect.is_permanent, data["is_permanent"]]
        redirect.is_permanent = data["is_permanent"]
    if changes:
        redirect.save()
        audit_record(actor=actor, action="redirect.update", target=redirect, changes=changes)
    return redirect


@transaction.atomic
def redirect_delete(*, redirect: Redirect, actor: Any) -> None:
    """Remove a redirect."""
    ensure_perm(actor, Redirect, "delete")
    audit_record(
        actor=actor,
        action="redirect.delete",
        target=redirect,
        changes={"old_path": redirect.old_path, "new_path": redirect.new_path},
    )
    redirect.delete()
