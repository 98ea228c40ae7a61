"""The locale codes delivery accepts, known to each process without a query per request.

Locales are few and rarely change, so each process keeps their codes in memory. A code it
does not know re-reads the table (at most once a RETRY_SECONDS, so a client sending
unknown codes cannot make every request a query): a locale added in another process is
accepted on the first request for it. A locale removed elsewhere is refused once the codes
are MAX_AGE_SECONDS old; in this process, a change to a Locale forgets them at once.
"""

from __future__ import annotations

import math
import time

from django.conf import settings

from content.models import Locale

MAX_AGE_SECONDS = 60.0
RETRY_SECONDS = 1.0

_known: dict = {"codes": frozenset(), "loaded_at": -math.inf}


def locale_codes(*, refresh: bool = False) -> frozenset[str]:
    """Every locale code, plus the default one (valid even before its row exists)."""
    now = time.monotonic()
    age = now - _known["loaded_at"]
    if age > MAX_AGE_SECONDS or (refresh and age > RETRY_SECONDS):
        codes = set(Locale.objects.values_list("code", flat=True))
        _known.update(codes=frozenset(codes | {settings.CONTENT_DEFAULT_LOCALE}), loaded_at=now)
    return _known["codes"]


def locale_is_known(code: str) -> bool:
    if code == settings.CONTENT_DEFAULT_LOCALE or code in locale_codes():
        return True
    return code in locale_codes(refresh=True)


def forget(**kwargs) -> None:
    """Drop this process's codes (a Locale was saved or deleted; tests)."""
    _known.update(codes=frozenset(), loaded_at=-math.inf)
