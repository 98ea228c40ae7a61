"""Adding one header to a response's `Vary`, for the middleware every delivery response
passes (CORS adds Origin, gzip Accept-Encoding).

Django's patch_vary_headers parses the header with a regular expression and rebuilds it on
every call, though a delivery response arrives with the same `Vary` each time, usually
naming the header already: a few µs twice a request. Here a `Vary` value is parsed once
(the values are few) and the header left alone when it is named already.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.cache import patch_vary_headers


@lru_cache(maxsize=256)
def _named(vary: str) -> frozenset[str]:
    return frozenset(part.strip().lower() for part in vary.split(","))


def add_vary(response, header: str) -> None:
    """patch_vary_headers(response, (header,)), with what it gives for these two cases."""
    vary = response.get("Vary")
    if not vary:
        response.headers["Vary"] = header
    elif header.lower() not in _named(vary):
        patch_vary_headers(response, (header,))
