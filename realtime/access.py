"""Who may connect, checked once on connect (WebSocket and SSE alike): anyone while
DELIVERY_REQUIRE_KEY is off, else an API key holding delivery:read, as the delivery API
asks (accounts.services.api_key_authenticate, content.delivery.endpoint.HasDeliveryKey).
A key that is presented must be good, required or not, and hold delivery:read: this
channel is for delivery keys. And, per process, how many connections each key holds, and
closing them once it is revoked.

A key comes in `Authorization: Api-Key <key>` (servers) or `?api_key=<key>` (browsers,
whose WebSocket and EventSource cannot set headers).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import ParseResult, parse_qs, urlparse

from channels.db import database_sync_to_async
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import ApiKey, ApiKeyScope
from accounts.services import api_key_authenticate
from content.delivery.endpoint import HasDeliveryKey
from flags.capabilities import REALTIME, capability_on

logger = logging.getLogger(__name__)
REVOKED = {"event": "error", "code": "key_revoked", "detail": "The API key is no longer valid."}
CLOSE_REVOKED = 4401
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


def presented_key(scope) -> str | None:
    words = (header(scope, b"authorization") or "").split()
    if len(words) == 2 and words[0] == "Api-Key":
        return words[1]
    return query(scope).get("api_key")


def authenticate(scope) -> ApiKey | None:
    """The connection's API key, or None (anonymous); Refused if it may not connect."""
    if not capability_on(REALTIME):  # open connections stay; new ones are refused
        raise Refused(CLOSE_SWITCHED_OFF, 503, "switched_off", REALTIME.off)
    raw = presented_key(scope)
    if raw is None:
        if settings.DELIVERY_REQUIRE_KEY:
            raise Refused(4401, 401, "not_authenticated", HasDeliveryKey.message)
        return None
    key = api_key_authenticate(raw)
    if key is None:
        raise Refused(4401, 401, "invalid_api_key", "Invalid, expired or revoked API key.")
    if ApiKeyScope.DELIVERY_READ not in key.scopes:
        raise Refused(4403, 403, "permission_denied", HasDeliveryKey.message)
    return key


# The open connections of each key in this process, and the task that watches them.
_holders: dict[int, set[Any]] = {}
_watchers: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}


def hold(key: ApiKey | None, holder: Any) -> None:
    """Count a connection against its key; Refused over REALTIME_MAX_CONNECTIONS_PER_KEY.
    `holder.revoked()` is awaited if the key stops being usable while it is open."""
    if key is None:
        return
    holders = _holders.setdefault(key.pk, set())
    if len(holders) >= settings.REALTIME_MAX_CONNECTIONS_PER_KEY:
        raise Refused(
            4429,
            429,
            "too_many_connections",
            f"This key holds {settings.REALTIME_MAX_CONNECTIONS_PER_KEY} connections already.",
        )
    holders.add(holder)
    loop = asyncio.get_running_loop()
    watcher = _watchers.get(loop)
    if watcher is None or watcher.done():
        _watchers[loop] = loop.create_task(_watch())
    for closed in [other for other in _watchers if other.is_closed()]:
        del _watchers[closed]


def release(key: ApiKey | None, holder: Any) -> None:
    if key is not None and key.pk in _holders:
        _holders[key.pk].discard(holder)
        if not _holders[key.pk]:
            del _holders[key.pk]


def usable(key_ids: list[int]) -> set[int]:
    """Which of these keys may still connect (not revoked or expired, their user active)."""
    now = timezone.now()
    return set(
        ApiKey.objects.filter(pk__in=key_ids, revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .values_list("pk", flat=True)
    )


async def _watch() -> None:
    """Every REALTIME_KEY_CHECK_SECONDS, one query for every key with open connections in
    this process; the connections of a key revoked, expired or whose user was deactivated
    meanwhile are closed. Runs while any key holds a connection."""
    while _holders:
        await asyncio.sleep(settings.REALTIME_KEY_CHECK_SECONDS)
        held = list(_holders)
        if not held:
            break
        try:
            still = await database_sync_to_async(usable)(held)
        except Exception:
            logger.exception("realtime: API keys cannot be checked")
            continue
        for key_id in set(held) - still:
            for holder in list(_holders.pop(key_id, ())):
                await holder.revoked()


class BrowserOriginValidator(OriginValidator):
    """A browser's Origin must be allowed (REALTIME_ALLOWED_ORIGINS, else the CORS origins
    and the site's hosts), so another site's page cannot use a visitor's connection. A
    client that sends no Origin is not a browser, and has no ambient credentials to abuse."""

    def __init__(self, application) -> None:
        super().__init__(application, [])

    def valid_origin(self, parsed_origin: ParseResult | None) -> bool:
        self.allowed_origins = settings.REALTIME_ALLOWED_ORIGINS or [
            *settings.CORS_ALLOWED_ORIGINS,
            *settings.ALLOWED_HOSTS,
        ]
        return parsed_origin is None or super().valid_origin(parsed_origin)


def browser_origin(scope) -> str | None:
    """The Origin a browser sent, if it is allowed; Refused if it is not; None without one."""
    origin = header(scope, b"origin")
    if origin is None:
        return None
    if not BrowserOriginValidator(None).valid_origin(urlparse(origin)):
        raise Refused(4403, 403, "origin_not_allowed", "This origin may not connect.")
    return origin
