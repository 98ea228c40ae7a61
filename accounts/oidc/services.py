"""Who an ID token signs in, and with which roles: the rules of single sign-on.

Matching: the (issuer, `sub`) link first; else a verified email (`email_verified` true)
matching a user, which is then linked; else, with OIDC_CREATE_USERS, a new user. An inactive
user, an email outside OIDC_ALLOWED_EMAIL_DOMAINS, or an email already linked to another
`sub` of the same issuer is refused. Roles: OIDC_ROLE_MAP is authoritative for the roles it
maps to, on every sign-in (granted when the claim has a mapped value, removed when it has
none); roles it never maps to are left as an Administrator set them. Every sign-in and
every refusal writes an audit row (factor "oidc").
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import OidcIdentity, User
from accounts.roles import ROLE_NAMES, require_perm
from accounts.services import _apply_roles  # the one write path of role groups

logger = logging.getLogger(__name__)

FACTOR = "oidc"


class OidcRefused(Exception):
    """The identity provider vouched for someone Folio will not sign in."""

    def __init__(self, reason: str, message: str, user: User | None = None):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.user = user


def oidc_refusal_record(*, reason: str, claims: dict[str, Any] | None, user: User | None) -> None:
    """The audit row of a refused single sign-on."""
    claims = claims or {}
    logger.info("OIDC sign-in refused (%s) for sub %s", reason, claims.get("sub", "-"))
    audit_record(
        actor=None,
        action="auth.login_failed",
        target=user,
        metadata={
            "factor": FACTOR,
            "reason": reason,
            "issuer": settings.OIDC_ISSUER,
            "subject": str(claims.get("sub", ""))[:255],
            "email": str(claims.get("email", ""))[:254],
        },
    )


def _claimed_values(claims: dict[str, Any]) -> list[str]:
    name = settings.OIDC_ROLES_CLAIM
    if not name:
        return []
    value = claims.get(name) or []
    if isinstance(value, str):
        value = value.split()
    return [str(item) for item in value] if isinstance(value, list) else []


def oidc_roles(claims: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(Folio roles the claim maps to, claim values naming no Folio role)."""
    roles: list[str] = []
    ignored: list[str] = []
    for value in _claimed_values(claims):
        role = settings.OIDC_ROLE_MAP.get(value)
        if role in ROLE_NAMES:
            roles.append(role)
        else:
            ignored.append(value)
    if ignored:
        logger.warning(
            "OIDC sign-in of %s: ignored %s values naming no Folio role: %s",
            claims.get("sub"),
            settings.OIDC_ROLES_CLAIM,
            ", ".join(ignored),
        )
    return list(dict.fromkeys(roles)), ignored


def _verified_email(claims: dict[str, Any]) -> str:
    """The claimed email if the issuer says it verified it (a boolean true, nothing else)."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or claims.get("email_verified") is not True:
        return ""
    return email


def _email_allowed(email: str) -> bool:
    domains = settings.OIDC_ALLOWED_EMAIL_DOMAINS
    return not domains or email.rpartition("@")[2] in domains


def _refuse(reason: str, message: str, user: User | None = None) -> OidcRefused:
    return OidcRefused(reason, message, user)


def _find_user(issuer: str, subject: str, email: str) -> tuple[User | None, OidcIdentity | None]:
    identity = (
        OidcIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    )
    if identity is not None:
        return identity.user, identity
    if not email:
        return None, None
    if not _email_allowed(email):
        raise _refuse("email_domain", "Your email's domain may not sign in to Folio.")
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and user.oidc_identities.filter(issuer=issuer).exists():
        # The email moved to another account at the provider: never hand this user over.
        raise _refuse(
            "identity_conflict",
            "This Folio account is linked to another account at the sign-in provider.",
            user,
        )
    return user, None


def _sync_roles(user: User, roles: list[str]) -> list[list[str]] | None:
    """Set the roles the map governs from the claim; keep the others. [before, after]."""
    governed = set(settings.OIDC_ROLE_MAP.values()) & set(ROLE_NAMES)
    before = user.roles
    wanted = [
        role for role in ROLE_NAMES if role in roles or (role in before and role not in governed)
    ]
    if wanted == before:
        return None
    _apply_roles(user, wanted)
    return [before, wanted]


def oidc_sign_in(*, claims: dict[str, Any]) -> User:
    """The user a verified ID token signs in, linked, created and given roles as the rules
    above say; OidcRefused (audited) when there is none. The caller starts the session."""
    try:
        # Committed even when the user is then refused for holding no role: a role the
        # provider withdrew is withdrawn in Folio too.
        try:
            with transaction.atomic():
                user, identity, created, ignored = _link(claims)
        except IntegrityError as exc:
            # The same person's sign-in in another tab linked or created them first.
            raise _refuse("concurrent_sign_in", "Please sign in again.") from exc
        if not (user.is_staff or user.is_superuser):
            raise _refuse("no_role", "Your account has no role in Folio.", user)
    except OidcRefused as refused:
        oidc_refusal_record(reason=refused.reason, claims=claims, user=refused.user)
        raise
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["last_login_at"])
    audit_record(
        actor=user,
        action="auth.sso_login",
        target=user,
        metadata={
            "factor": FACTOR,
            "issuer": identity.issuer,
            "subject": identity.subject,
            "created": created,
            "roles": user.roles,
            "ignored_roles": ignored,
        },
    )
    return user


def _link(claims: dict[str, Any]) -> tuple[User, OidcIdentity, bool, list[str]]:
    """Find (or create) the user, link the identity and set the mapped roles."""
    issuer, subject = settings.OIDC_ISSUER, str(claims["sub"])
    email = _verified_email(claims)
    roles, ignored = oidc_roles(claims)
    user, identity = _find_user(issuer, subject, email)
    created = False
    if user is None:
        if not email:
            raise _refuse(
                "email_unverified", "The sign-in provider did not share a verified email."
            )
        if not settings.OIDC_CREATE_USERS:
            raise _refuse("no_account", "There is no Folio account for this email.")
        if not roles:
            raise _refuse("no_role", "Your account at the sign-in provider has no Folio role.")
        user = User.objects.create_user(
            email=email, password=None, full_name=str(claims.get("name") or "")[:150]
        )
        created = True
        audit_record(
            actor=None,
            action="user.create",
            target=user,
            changes={"email": email, "full_name": user.full_name, "roles": roles},
            metadata={"via": FACTOR, "issuer": issuer, "subject": subject},
        )
    if not user.is_active:
        raise _refuse("inactive", "This account is deactivated.", user)
    if identity is None:
        identity = OidcIdentity.objects.create(user=user, issuer=issuer, subject=subject)
    role_change = _sync_roles(user, roles)
    if role_change:
        audit_record(
            actor=None,
            action="user.update",
            target=user,
            changes={"roles": role_change},
            metadata={"via": FACTOR, "issuer": issuer},
        )
    return user, identity, created, ignored


@transaction.atomic
def oidc_identity_unlink(*, actor: User, identity: OidcIdentity) -> None:
    """Forget a user's link to an issuer account (Administrators): their next sign-in
    there matches by verified email again, so another person's account can take over."""
    require_perm(actor, "accounts.change_user")
    identity.delete()
    audit_record(
        actor=actor,
        action="user.oidc_unlink",
        target=identity.user,
        metadata={"issuer": identity.issuer, "subject": identity.subject},
    )
