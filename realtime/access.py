"""Who may connect, checked once on connect (WebSocket and SSE alike): anyone while
DELIVERY_REQUIRE_KEY is off, else an API key holding delivery:read, as the delivery API
asks (accounts.services.api_key_authenticate, content.delivery.endpoint.HasDeliveryKey).
A key that is presented must be good, required or not, and hold delivery:read: this
channel is for delivery keys. And how many connections one key holds in this process.

A key comes in `Authorization: Api-Key <key>` (servers) or `?api_key=<key>` (browsers,
whose WebSocket and EventSource cannot set headers).
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import parse_qs

from django.conf import settings

from accounts.models import ApiKey, ApiKeyScope
from accounts.services import api_key_authenticate
from content.delivery.endpoint import HasDeliveryKey


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


_held: Counter[int] = Counter()  # connections per key, in this process


def hold(key: ApiKey | None) -> None:
    """Count a connection against its key; Refused over REALTIME_MAX_CONNECTIONS_PER_KEY."""
    if key is None:
        return
    if _held[key.pk] >= settings.REALTIME_MAX_CONNECTIONS_PER_KEY:
        raise Refused(
            4429,
            429,
            "too_many_connections",
            f"This key holds {settings.REALTIME_MAX_CONNECTIONS_PER_KEY} connections already.",
        )
    _held[key.pk] += 1


def release(key: ApiKey | None) -> None:
    if key is not None and _held[key.pk] > 0:
        _held[key.pk] -= 1
