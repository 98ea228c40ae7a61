"""What a real-time connection authenticated with (realtime.access), and whether it still
holds while the connection is open.

Each ASGI process checks the credentials of its open connections every
REALTIME_KEY_CHECK_SECONDS, in one query per kind, and closes the connections of those
that no longer hold:
- an API key: revoked or expired, or its user deactivated;
- a JWT: expired, its user deactivated, or their password changed since it was issued;
- an admin session: signed out or expired, its user deactivated, or their password
  changed (which ends their other sessions).
On the editors' channel a user must also still be staff. Connections are counted per
holder (`holder`): an API key, or a user whichever way they signed in.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass
from importlib import import_module
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from accounts.authentication import jwt_password_unchanged
from accounts.models import ApiKey


def _ended(code: str, detail: str) -> dict[str, str]:
    return {"event": "error", "code": code, "detail": detail}


@dataclass(frozen=True)
class Credential:
    kind: ClassVar[str]
    # Sent before the connection is closed (4401) once the credential no longer holds.
    ended: ClassVar[dict[str, str]]

    @property
    def holder(self) -> tuple[str, int]:
        raise NotImplementedError

    @classmethod
    def still_held(cls, credentials: Collection[Any]) -> set[Any]:
        """Which of `credentials` (all of this class) still hold: one query for all."""
        raise NotImplementedError


@dataclass(frozen=True)
class KeyCredential(Credential):
    kind = "key"
    ended = _ended("key_revoked", "The API key is no longer valid.")
    key_id: int

    @property
    def holder(self) -> tuple[str, int]:
        return ("key", self.key_id)

    @classmethod
    def still_held(cls, credentials: Collection[KeyCredential]) -> set[KeyCredential]:
        usable = set(
            ApiKey.objects.filter(
                pk__in=[c.key_id for c in credentials],
                revoked_at__isnull=True,
                user__is_active=True,
            )
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
            .values_list("pk", flat=True)
        )
        return {c for c in credentials if c.key_id in usable}


@dataclass(frozen=True)
class UserCredential(Credential):
    user_id: int
    staff: bool  # the editors' channel is for staff only

    @property
    def holder(self) -> tuple[str, int]:
        return ("user", self.user_id)

    @staticmethod
    def active_users(credentials: Collection[UserCredential]) -> dict[int, Any]:
        users = get_user_model().objects.filter(
            pk__in={c.user_id for c in credentials}, is_active=True
        )
        return {user.pk: user for user in users.only("pk", "password", "is_staff")}

    def user_holds(self, users: dict[int, Any]) -> Any:
        """The user, if still active (and staff where asked); else None."""
        user = users.get(self.user_id)
        return user if user is not None and (user.is_staff or not self.staff) else None


@dataclass(frozen=True)
class TokenCredential(UserCredential):
    kind = "token"
    ended = _ended("token_expired", "The token expired or was revoked.")
    password_claim: str | None
    expires_at: float  # the token's `exp`

    @classmethod
    def still_held(cls, credentials: Collection[TokenCredential]) -> set[TokenCredential]:
        live = [c for c in credentials if c.expires_at > time.time()]
        users = cls.active_users(live) if live else {}
        return {
            c
            for c in live
            if (user := c.user_holds(users)) and jwt_password_unchanged(user, c.password_claim)
        }


@dataclass(frozen=True)
class SessionCredential(UserCredential):
    kind = "session"
    ended = _ended("session_ended", "Your session ended: sign in again.")
    session_key: str
    auth_hash: str  # what the session holds of the password (django.contrib.auth)

    @classmethod
    def still_held(cls, credentials: Collection[SessionCredential]) -> set[SessionCredential]:
        open_sessions = _open_sessions({c.session_key for c in credentials})
        users = cls.active_users(credentials)
        return {
            c
            for c in credentials
            if c.session_key in open_sessions
            and (user := c.user_holds(users))
            and constant_time_compare(user.get_session_auth_hash(), c.auth_hash)
        }


def _open_sessions(keys: set[str]) -> set[str]:
    """Which of these sessions still exist and have not expired."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if hasattr(store, "get_model_class"):  # the database engines: one query
        model = store.get_model_class()
        rows = model.objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
        return set(rows.values_list("session_key", flat=True))
    if settings.SESSION_ENGINE.endswith("signed_cookies"):
        return keys  # nothing on the server to end: the user's checks remain
    return {key for key in keys if store().exists(key)}
