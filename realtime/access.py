"""Who may connect, checked once on connect, and, per process, how many connections each
holder has open, and closing them once their credential no longer holds
(realtime.credentials).

The delivery channel (WebSocket and SSE): anyone while DELIVERY_REQUIRE_KEY is off, else
an API key holding delivery:read, as the delivery API asks (accounts.services
.api_key_authenticate, content.delivery.endpoint.HasDeliveryKey), or a JWT of an active
user. A credential that is presented must be good, required or not, and a key must hold
delivery:read (this channel is for delivery keys) and be used from its allowed networks.

The editors' channel: the admin's session cookie or a JWT, of an active staff user.

A key comes in `Authorization: Api-Key <key>` (servers) or `?api_key=<key>` (browsers,
whose WebSocket and EventSource cannot set headers); a JWT in `Authorization: Bearer
<token>` or `?access_token=<token>`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import ParseResult, parse_qs, urlparse

from channels.db import database_sync_to_async
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY

from accounts.authentication import jwt_authenticate, jwt_password_claim
from accounts.key_limits import api_key_allows_address
from accounts.models import ApiKeyScope
from accounts.services import api_key_authenticate
from content.delivery.endpoint import HasDeliveryKey
from core.client_address import client_address
from flags.capabilities import REALTIME, capability_on
from realtime.credentials import (
    Credential,
    KeyCredential,
    SessionCredential,
    TokenCredential,
)

logger = logging.getLogger(__name__)
CLOSE_ENDED = 4401  # the close code once a credential no longer holds
CLOSE_SWITCHED_OFF = 4503  # as HTTP's 503: an Administrator switched real time off


class Refused(Exception):
    """A connection Folio turns away: the WebSocket close code and the HTTP status."""

    def __init__(self, close_code: int, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.close_code, self.status, self.code, self.detail = close_code, status, code, detail


def query(scope) -> dict[str, str]:
    """The connection's query string, the first value of each name."""
    parsed = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return {name: values[0] for name, values in parsed.items()}


def header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def scope_client_address(scope) -> str | None:
    """The client's address as the HTTP side resolves it (core.client_address): the peer,
    or what our own proxies forwarded."""
    meta = {"REMOTE_ADDR": (scope.get("client") or (None,))[0]}
    if (forwarded := header(scope, b"x-forwarded-for")) is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(meta)


def presented(scope, scheme: str, parameter: str) -> str | None:
    """The credential sent as `Authorization: <scheme> <value>`, or as `?<parameter>=`."""
    words = (header(scope, b"authorization") or "").split()
    if len(words) == 2 and words[0] == scheme:
        return words[1]
    return query(scope).get(parameter)


def switched_on() -> None:
    """Refused while an Administrator has real time switched off: open connections stay,
    new ones are turned away."""
    if not capability_on(REALTIME):
        raise Refused(CLOSE_SWITCHED_OFF, 503, "switched_off", REALTIME.off)


def token_credential(raw: str, *, staff: bool) -> tuple[Any, TokenCredential]:
    """A JWT checked as the API checks it (accounts.authentication): its user and the
    credential; Refused if bad."""
    authenticated = jwt_authenticate(raw)
    if authenticated is None:
        raise Refused(4401, 401, "token_not_valid", "Invalid or expired token, or inactive user.")
    user, token = authenticated
    if staff and not user.is_staff:
        raise Refused(4403, 403, "permission_denied", "The editors' channel is for staff.")
    claim = jwt_password_claim(token)
    return user, TokenCredential(user.pk, staff, claim, float(token["exp"]))


def authenticate(scope) -> Credential | None:
    """The delivery channel: the connection's API key or JWT, or None (anonymous);
    Refused if it may not connect."""
    switched_on()
    raw_key = presented(scope, "Api-Key", "api_key")
    if raw_key is not None:
        key = api_key_authenticate(raw_key)
        if key is None:
            raise Refused(4401, 401, "invalid_api_key", "Invalid, expired or revoked API key.")
        if ApiKeyScope.DELIVERY_READ not in key.scopes:
            raise Refused(4403, 403, "permission_denied", HasDeliveryKey.message)
        if not api_key_allows_address(key, scope_client_address(scope)):
            raise Refused(
                4403, 403, "address_not_allowed", "This API key may not be used from your address."
            )
        return KeyCredential(key.pk)
    raw_token = presented(scope, "Bearer", "access_token")
    if raw_token is not None:
        return token_credential(raw_token, staff=False)[1]
    if settings.DELIVERY_REQUIRE_KEY:
        raise Refused(4401, 401, "not_authenticated", HasDeliveryKey.message)
    return None


def authenticate_editor(scope) -> tuple[Any, Credential]:
    """The editors' channel: a JWT, else the admin session (channels' AuthMiddlewareStack
    put its user in the scope), of an active staff user; the user and the credential."""
    switched_on()
    raw_token = presented(scope, "Bearer", "access_token")
    if raw_token is not None:
        return token_credential(raw_token, staff=True)
    user, session = scope.get("user"), scope.get("session")
    if user is None or not user.is_authenticated or session is None:
        raise Refused(4401, 401, "not_authenticated", "Sign in to the admin first.")
    if not (user.is_active and user.is_staff):
        raise Refused(4403, 403, "permission_denied", "The editors' channel is for staff.")
    auth_hash = session.get(HASH_SESSION_KEY) or ""
    return user, SessionCredential(user.pk, True, session.session_key, auth_hash)


# --- Holding: connections per holder, closed once their credential stops holding --------

# The open connections of each holder in this process, with the credential each presented.
_holders: dict[tuple[str, int], dict[Any, Credential]] = {}
_watchers: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}


def hold(credential: Credential | None, connection: Any) -> None:
    """Count a connection against its holder; Refused over REALTIME_MAX_CONNECTIONS_PER_KEY.
    `connection.revoked(frame)` is awaited if the credential stops holding while it is open."""
    if credential is None:
        return
    held = _holders.setdefault(credential.holder, {})
    if len(held) >= settings.REALTIME_MAX_CONNECTIONS_PER_KEY:
        whose = "key" if credential.kind == "key" else "user"
        raise Refused(
            4429,
            429,
            "too_many_connections",
            f"This {whose} holds {settings.REALTIME_MAX_CONNECTIONS_PER_KEY} connections already.",
        )
    held[connection] = credential
    loop = asyncio.get_running_loop()
    watcher = _watchers.get(loop)
    if watcher is None or watcher.done():
        _watchers[loop] = loop.create_task(_watch())
    for closed in [other for other in _watchers if other.is_closed()]:
        del _watchers[closed]


def release(credential: Credential | None, connection: Any) -> None:
    if credential is not None and credential.holder in _holders:
        _holders[credential.holder].pop(connection, None)
        if not _holders[credential.holder]:
            del _holders[credential.holder]


def still_held(credentials: set[Credential]) -> set[Credential]:
    """Which credentials still hold: one check per kind."""
    by_class: dict[type[Credential], list[Credential]] = {}
    for credential in credentials:
        by_class.setdefault(type(credential), []).append(credential)
    held: set[Credential] = set()
    for kind, group in by_class.items():
        held |= kind.still_held(group)
    return held


async def _watch() -> None:
    """Every REALTIME_KEY_CHECK_SECONDS, the credentials of every open connection in this
    process are checked (one query per kind); the connections of those that no longer
    hold are closed. Runs while any credential holds a connection."""
    while _holders:
        await asyncio.sleep(settings.REALTIME_KEY_CHECK_SECONDS)
        open_now = [(c, cred) for held in _holders.values() for c, cred in held.items()]
        if not open_now:
            break
        try:
            holding = await database_sync_to_async(still_held)({cred for _, cred in open_now})
        except Exception:
            logger.exception("realtime: credentials cannot be checked")
            continue
        for connection, credential in open_now:
            if credential not in holding:
                release(credential, connection)
                await connection.revoked(credential.ended)


# --- Origins -------------------------------------------------------------------------------


class BrowserOriginValidator(OriginValidator):
    """A browser's Origin must be allowed (`allowed()`), so another site's page cannot use a
    visitor's connection. A client that sends no Origin is not a browser, and has no
    ambient credentials to abuse.

    The delivery channel's origins: REALTIME_ALLOWED_ORIGINS, else the CORS origins and
    the site's hosts."""

    def __init__(self, application) -> None:
        super().__init__(application, [])

    @staticmethod
    def allowed() -> list[str]:
        return settings.REALTIME_ALLOWED_ORIGINS or [
            *settings.CORS_ALLOWED_ORIGINS,
            *settings.ALLOWED_HOSTS,
        ]

    def valid_origin(self, parsed_origin: ParseResult | None) -> bool:
        self.allowed_origins = self.allowed()
        return parsed_origin is None or super().valid_origin(parsed_origin)


class AdminOriginValidator(BrowserOriginValidator):
    """The editors' channel carries the admin's session cookie, which a page of any site
    under the same domain would send too: only the admin's own origins, FOLIO_BASE_URL's
    and the site's hosts (never the frontends' CORS or real-time origins)."""

    @staticmethod
    def allowed() -> list[str]:
        base = urlparse(settings.FOLIO_BASE_URL)
        return [f"{base.scheme}://{base.netloc}", *settings.ALLOWED_HOSTS]


def browser_origin(scope) -> str | None:
    """The Origin a browser sent, if it is allowed; Refused if it is not; None without one."""
    origin = header(scope, b"origin")
    if origin is None:
        return None
    if not BrowserOriginValidator(None).valid_origin(urlparse(origin)):
        raise Refused(4403, 403, "origin_not_allowed", "This origin may not connect.")
    return origin
