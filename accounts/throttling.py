"""The API's per-user throttle, where an API key's own rate replaces the default."""

from __future__ import annotations

from accounts.key_limits import rate_limit_parse
from accounts.models import ApiKey
from core import throttling


def key_with_own_rate(request) -> ApiKey | None:
    """The API key that authenticated the request, if it carries its own rate."""
    key = getattr(request, "auth", None)
    return key if isinstance(key, ApiKey) and key.rate_limit else None


class UserRateThrottle(throttling.UserRateThrottle):
    """Authenticated requests per user (THROTTLE_USER_RATE); a request made with an API key
    that has its own `rate_limit` is counted in that key's bucket, at that rate, instead."""

    def allow_request(self, request, view) -> bool:
        if (key := key_with_own_rate(request)) is not None:
            self.rate = key.rate_limit
            self.num_requests, self.duration = rate_limit_parse(key.rate_limit)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str | None:
        if (key := key_with_own_rate(request)) is not None:
            return self.cache_format % {"scope": "api_key", "ident": key.pk}
        return super().get_cache_key(request, view)
