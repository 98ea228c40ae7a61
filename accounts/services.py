"""Every write to users, roles and API keys. Views, the admin and commands call these."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.audit import audit_record
from accounts.extensions import staff_reason_holds
from accounts.key_limits import allowed_networks_clean, rate_limit_clean
from accounts.models import ApiKey, ApiKeyScope, User
from accounts.roles import ALL, ROLE_NAMES, require_perm, role_permissions
from accounts.tasks import email_send_task
from accounts.user_sessions import refresh_tokens_revoke_all, sessions_end_all
from outbox.services import job_enqueue

USER_EDITABLE_FIELDS = ("full_name", "email")


# --- Roles ------------------------------------------------------------------------------


def roles_sync() -> None:
    """Create the role groups and give each exactly the permissions the matrix grants."""
    all_perms = Permission.objects.select_related("content_type")
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in all_perms}
    for role in ROLE_NAMES:
        group, _ = Group.objects.get_or_create(name=role)
        granted = role_permissions(role)
        perms = (
            by_name.values() if granted == ALL else [by_name[n] for n in granted if n in by_name]
        )
        group.permissions.set(perms)


def _validate_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in ROLE_NAMES]
    if unknown:
        raise ValidationError({"roles": [f"Unknown role: {', '.join(unknown)}."]})
    return roles


def _apply_roles(user: User, roles: list[str]) -> list[bool] | None:
    """Put the user in exactly `roles`; returns the change of `is_staff`, if any."""
    # Only the role groups: the user's other groups (a team holding a role grant) stay.
    role_groups = list(Group.objects.filter(name__in=ROLE_NAMES))
    user.groups.remove(*[group for group in role_groups if group.name not in roles])
    user.groups.add(*[group for group in role_groups if group.name in roles])
    return user_staff_sync(user)


@transaction.atomic
def user_staff_sync(user: User) -> list[bool] | None:
    """Set `is_staff` from what the user holds now: every role works in the admin, and so
    does what another app registered as a reason (accounts.extensions: content's role
    grants); with neither, the user has no business there. Call after a change to either;
    returns [before, after] when the flag changed, for the caller's audit record."""
    # The user's row is the lock: a grant withdrawn while the roles are being set is seen.
    locked = User.objects.select_for_update().only("is_staff", "is_superuser").get(pk=user.pk)
    staff = (
        locked.is_superuser
        or user.groups.filter(name__in=ROLE_NAMES).exists()
        or staff_reason_holds(user)
    )
    before = locked.is_staff
    user.is_staff = staff
    if before == staff:
        return None
    User.objects.filter(pk=user.pk).update(is_staff=staff)
    return [before, staff]


# --- Users ------------------------------------------------------------------------------


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    email: str,
    password: str,
    full_name: str = "",
    roles: Iterable[str] = (),
) -> User:
    """Create an active user with roles; only Administrators (or the system) may."""
    require_perm(actor, "accounts.add_user")
    roles = _validate_roles(roles)
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": ["A user with this email already exists."]})
    candidate = User(email=email, full_name=full_name)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user: User = User.objects.create_user(email=email, password=password, full_name=full_name)
    _apply_roles(user, roles)
    audit_record(
        actor=actor,
        action="user.create",
        target=user,
        changes={"email": email, "full_name": full_name, "roles": roles},
    )
    return user


@transaction.atomic
def user_update(
    *, actor: User, user: User, data: dict[str, Any], roles: Iterable[str] | None = None
) -> User:
    """Change profile fields (self or admin), roles and active flag (admin only)."""
    if actor.pk != user.pk or roles is not None or "is_active" in data:
        require_perm(actor, "accounts.change_user")
    if data.get("is_active") is False and user.pk == actor.pk:
        raise ValidationError({"is_active": ["You cannot deactivate yourself."]})
    changes: dict[str, list[Any]] = {}
    if "email" in data:
        data["email"] = User.objects.normalize_email(data["email"]).lower()
        if User.objects.filter(email__iexact=data["email"]).exclude(pk=user.pk).exists():
            raise ValidationError({"email": ["A user with this email already exists."]})
    for field in (*USER_EDITABLE_FIELDS, "is_active"):
        if field in data and getattr(user, field) != data[field]:
            changes[field] = [getattr(user, field), data[field]]
            setattr(user, field, data[field])
    if changes:
        user.save(update_fields=list(changes))
    if changes.get("is_active") == [True, False]:
        # Signed out everywhere: every browser session and refresh token ends now.
        ended = sessions_end_all(user)
        audit_record(
            actor=actor,
            action="user.sessions_end_all",
            target=user,
            metadata={**ended, "reason": "deactivation"},
        )
    if roles is not None:
        roles = _validate_roles(roles)
        before = user.roles
        if user.pk == actor.pk and ROLE_NAMES[0] in before and ROLE_NAMES[0] not in roles:
            raise ValidationError({"roles": ["You cannot remove your own Administrator role."]})
        staff = _apply_roles(user, roles)
        if before != roles:
            changes["roles"] = [before, roles]
        if staff:
            changes["is_staff"] = staff
    if changes:
        audit_record(actor=actor, action="user.update", target=user, changes=changes)
    return user


def user_deactivate(*, actor: User, user: User) -> User:
    """Deactivate a user; their tokens and API keys stop working at once."""
    return user_update(actor=actor, user=user, data={"is_active": False})


def _set_password(user: User, new_password: str) -> None:
    try:
        password_validation.validate_password(new_password, user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # Access tokens carry a hash of the password (CHECK_REVOKE_TOKEN); refresh tokens
    # are blacklisted here, so every token issued before the change stops working.
    refresh_tokens_revoke_all(user)


@transaction.atomic
def user_change_password(*, user: User, old_password: str, new_password: str) -> None:
    """Change one's own password, proving the old one."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": ["The current password is not correct."]})
    _set_password(user, new_password)
    audit_record(actor=user, action="user.password_change", target=user)


@transaction.atomic
def password_reset_request(
    *, email: str, reset_link: Callable[[str, str], str] | None = None
) -> None:
    """Email a one-time reset link if the address belongs to an active user; say nothing.

    The link is PASSWORD_RESET_URL (a frontend's page), or `reset_link(uid, token)` where
    the request came from a page of Folio's own (the admin's sign-in)."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    if reset_link is not None:
        link = reset_link(uid, token)
    else:
        link = settings.PASSWORD_RESET_URL.format(uid=uid, token=token)
    body = (
        f"Hello {user.get_short_name()},\n\nSomeone asked to reset your Folio password. "
        f"Use this link within {settings.PASSWORD_RESET_TIMEOUT // 60} minutes:\n\n{link}\n\n"
        f"Reset code: uid={uid} token={token}\n\nIf it was not you, ignore this email."
    )
    audit_record(actor=None, action="user.password_reset_request", target=user)
    job_enqueue(email_send_task, subject="Reset your Folio password", body=body, to=[user.email])


@transaction.atomic
def password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    """Set a new password from a reset token; the token works once and expires."""
    error = ValidationError({"token": ["This reset link is invalid or has expired."]})
    try:
        user: User = User.objects.get(pk=int(urlsafe_base64_decode(uid).decode()), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        raise error from None
    # The token hashes the password and last login, so it dies once the password changes.
    if not default_token_generator.check_token(user, token):
        raise error
    _set_password(user, new_password)
    audit_record(actor=user, action="user.password_reset", target=user)
    return user


# --- Sessions ---------------------------------------------------------------------------


@transaction.atomic
def session_logout(*, refresh_token: str) -> User | None:
    """End an API session: blacklist its refresh token, so it can never be used again, and
    audit the logout as the token's user.

    Whoever holds the refresh token is the actor (logging out needs no other credential).
    A token that is malformed, expired, not a refresh token or already blacklisted is
    refused with InvalidToken (401 `token_not_valid`, as on refresh) and nothing is written.
    """
    try:
        # simplejwt annotates a Token here, but decodes the encoded string it is given.
        token = RefreshToken(refresh_token)  # type: ignore[arg-type]
        token.blacklist()
    except TokenError as exc:
        raise InvalidToken(exc.args[0]) from exc
    user_id = token.payload.get("user_id")
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    audit_record(actor=user, action="auth.logout", target=user)
    return user


# --- API keys ---------------------------------------------------------------------------

API_KEY_PREFIX = "folio_"
_RAW_KEY = re.compile(rf"{API_KEY_PREFIX}([0-9a-f]{{12}})_[A-Za-z0-9_-]+")


def api_key_hash(raw_key: str) -> str:
    # Keys carry 256 bits of randomness, so a fast unsalted hash is safe and lets us look up by it.
    return hashlib.sha256(raw_key.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    actor: User,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime | None = None,
    user: User | None = None,
    rate_limit: str = "",
    allowed_networks: Iterable[str] = (),
) -> tuple[ApiKey, str]:
    """Issue a key, with its own limits if given; the raw key is returned once and only its
    hash is kept."""
    require_perm(actor, "accounts.add_apikey")
    limits = {
        "rate_limit": rate_limit_clean(rate_limit),
        "allowed_networks": allowed_networks_clean(allowed_networks),
    }
    scopes = list(dict.fromkeys(scopes))
    unknown = [s for s in scopes if s not in ApiKeyScope.values]
    if not scopes or unknown:
        raise ValidationError({"scopes": [f"Choose from: {', '.join(ApiKeyScope.values)}."]})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": ["Must be in the future."]})
    prefix = secrets.token_hex(6)  # 48 bits: collisions are practically impossible
    raw_key = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        name=name,
        prefix=prefix,
        key_hash=api_key_hash(raw_key),
        scopes=scopes,
        user=user or actor,
        created_by=actor,
        expires_at=expires_at,
        **limits,
    )
    audit_record(
        actor=actor,
        action="api_key.create",
        target=key,
        changes={
            "name": name,
            "scopes": scopes,
            "user": key.user_id,
            **{field: value for field, value in limits.items() if value},
        },
    )
    return key, raw_key


@transaction.atomic
def api_key_revoke(*, actor: User, api_key: ApiKey) -> ApiKey:
    """Revoke a key for good; requests using it get 401 from then on."""
    require_perm(actor, "accounts.change_apikey")
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_key.revoke", target=api_key)
    return api_key


def api_key_authenticate(raw_key: str) -> ApiKey | None:
    """Return the usable key matching `raw_key`, and note when it was last used."""
    # Only well-formed keys reach the database (PostgreSQL refuses NUL bytes, for one).
    match = _RAW_KEY.fullmatch(raw_key)
    if match is None:
        return None
    key = ApiKey.objects.select_related("user").filter(prefix=match.group(1)).first()
    if key is None or not secrets.compare_digest(key.key_hash, api_key_hash(raw_key)):
        return None
    if not key.is_usable or not key.user.is_active:
        return None
    now = timezone.now()
    # Throttle the write: one update a minute per key is enough for "last used".
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
