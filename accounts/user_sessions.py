"""Where a user is signed in, and ending it: every write to UserSession and the JWT blacklist.

The admin's Sessions page, the API (`auth/sessions/`, `users/{id}/end-sessions/`) and
deactivation call these. A browser session is ended by deleting it from the session
store (the database row and its cached copy), so the browser is signed out on its next
request; an API session by blacklisting its refresh token, which cannot be refreshed
again. Access tokens already issued from it stay valid until they expire
(JWT_ACCESS_MINUTES): they are checked without a database read, except that a
deactivated user's are refused at once (accounts.authentication).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from ua_parser import parse as parse_user_agent

from accounts.audit import audit_record
from accounts.models import User, UserSession
from accounts.roles import require_perm
from core.client_address import request_ip

USER_AGENT_MAX = UserSession._meta.get_field("user_agent").max_length


# --- Reads ------------------------------------------------------------------------------


def user_session_list(*, user: User) -> QuerySet[UserSession]:
    """The user's live sessions: browsers whose session has not expired, and refresh
    tokens neither expired nor blacklisted; the most recently seen first."""
    now = timezone.now()
    browser = Q(session__isnull=False, session__expire_date__gt=now)
    token = Q(
        refresh_token__isnull=False,
        refresh_token__expires_at__gt=now,
        refresh_token__blacklistedtoken__isnull=True,
    )
    return UserSession.objects.filter(browser | token, user=user)


def user_session_get(*, user: User, session_id: int) -> UserSession | None:
    """One of the user's live sessions, or None (another user's is None too)."""
    return user_session_list(user=user).filter(pk=session_id).first()


@lru_cache(maxsize=512)
def device_name(user_agent: str) -> str:
    """A User-Agent in a few words, such as "Firefox 128 on Windows"; "Unknown device"
    when there is none."""
    if not user_agent:
        return "Unknown device"
    parsed = parse_user_agent(user_agent)
    agent, system = parsed.user_agent, parsed.os
    name = agent.family if agent and agent.family != "Other" else "Unknown browser"
    if agent and agent.major and name != "Unknown browser":
        name = f"{name} {agent.major}"
    if system and system.family != "Other":
        name = f"{name} on {system.family}"
    return name


# --- Recording --------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    """Where a request came from: the client's address (core.client_address) and agent."""

    ip: str | None
    user_agent: str

    @classmethod
    def of(cls, request) -> Origin:
        agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
        return cls(ip=request_ip(request), user_agent=agent)


def browser_session_seen(*, user: User, session_key: str, origin: Origin) -> bool:
    """Note that a signed-in browser was seen now, from `origin` (first time: its row).

    False when the session is no longer in the database: it was ended while a copy
    lived on in the cache (Redis stalled as it was deleted); the caller signs it out."""
    now = timezone.now()
    fields = {"last_seen_at": now, "ip": origin.ip, "user_agent": origin.user_agent}
    if UserSession.objects.filter(session_id=session_key, user=user).update(**fields):
        return True
    # Checked first: foreign keys are checked at commit (deferred), too late to tell.
    if not Session.objects.filter(pk=session_key).exists():
        return False
    try:
        with transaction.atomic():
            UserSession.objects.create(user=user, session_id=session_key, created_at=now, **fields)
    except IntegrityError:
        # A parallel request of the same browser wrote the row first, or the session
        # was ended in between (its next request finds out).
        pass
    return True


def refresh_token_issued(*, token: OutstandingToken, origin: Origin | None) -> None:
    """Record a newly issued refresh token as one of its user's API sessions."""
    if token.user_id is None:
        return
    UserSession.objects.get_or_create(
        refresh_token=token,
        defaults={
            "user_id": token.user_id,
            "ip": origin.ip if origin else None,
            "user_agent": origin.user_agent if origin else "",
            "created_at": token.created_at or timezone.now(),
            "last_seen_at": token.created_at or timezone.now(),
        },
    )


# --- Ending -----------------------------------------------------------------------------


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def _end(row: UserSession) -> None:
    """Sign the browser out / blacklist the token, and forget the row."""
    if row.session_id:
        # The store's delete drops the database row and its cached copy (cached_db).
        _session_store()(session_key=row.session_id).delete()
    else:
        BlacklistedToken.objects.get_or_create(token_id=row.refresh_token_id)
    UserSession.objects.filter(pk=row.pk).delete()


def _describe(row: UserSession) -> dict[str, Any]:
    return {
        "session": row.pk,
        "kind": row.kind,
        "device": device_name(row.user_agent),
        "ip": row.ip,
    }


@transaction.atomic
def user_session_end(*, actor: User, session: UserSession) -> None:
    """End one of the actor's own sessions: that browser is signed out on its next
    request, that refresh token refused. Another user's session is not the actor's to end."""
    if session.user_id != actor.pk:
        raise PermissionDenied("Only the session's own user ends a single session.")
    details = _describe(session)
    _end(session)
    audit_record(actor=actor, action="user.session_end", target=actor, metadata=details)


def refresh_tokens_revoke_all(user: User) -> int:
    """Blacklist every outstanding refresh token of the user; how many were live."""
    outstanding = list(
        OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).only("pk")
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )
    return len(outstanding)


def sessions_end_all(user: User) -> dict[str, int]:
    """End every browser session and refresh token of the user, without an audit row
    (the caller writes the one that says why); how many of each were ended."""
    browsers = 0
    store = _session_store()
    for key in UserSession.objects.filter(user=user, session__isnull=False).values_list(
        "session_id", flat=True
    ):
        store(session_key=key).delete()
        browsers += 1
    UserSession.objects.filter(user=user).delete()
    tokens = refresh_tokens_revoke_all(user)
    return {"browser_sessions": browsers, "refresh_tokens": tokens}


@transaction.atomic
def user_sessions_end_all(*, actor: User, user: User, reason: str = "") -> dict[str, int]:
    """End all of a user's sessions and refresh tokens at once: an Administrator's, or
    one's own ("sign out everywhere"). Audited with what was ended."""
    if actor.pk != user.pk:
        require_perm(actor, "accounts.change_user")
    ended = sessions_end_all(user)
    metadata: dict[str, Any] = {**ended, **({"reason": reason} if reason else {})}
    audit_record(actor=actor, action="user.sessions_end_all", target=user, metadata=metadata)
    return ended
