"""Who a flag is evaluated for, and the stable rollout buckets behind percentages.

waffle decides a percentage flag by chance and remembers the outcome in a cookie, which
a frontend reading `delivery/flags/` (and a CDN caching it) cannot carry. Folio's Flag
(flags.models) buckets an identity instead: the same visitor, flag and percentage always
give the same answer, and raising the percentage only adds visitors (nobody in at 20% is
out at 30%).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser

BUCKETS = 1000  # waffle's percentages have one decimal: 0.0 to 99.9


def bucket(flag_name: str, identity: str) -> Decimal:
    """The identity's place in the flag's rollout, 0.0 to 99.9; independent per flag."""
    digest = hashlib.sha256(f"{flag_name}\0{identity}".encode()).digest()
    return Decimal(int.from_bytes(digest[:8], "big") % BUCKETS) / 10


def in_rollout(flag_name: str, identity: str, percent: Decimal) -> bool:
    return bucket(flag_name, identity) < percent


def rollout_identity(request: Any) -> str | None:
    """What a percentage is decided on: the audience the client named, else the signed-in
    user; None (outside every rollout) for an anonymous request that names none."""
    audience = getattr(request, "audience", None)
    if audience:
        return f"audience:{audience}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


@dataclass(frozen=True)
class Audience:
    """A request as waffle's Flag.is_active reads one, holding only what Folio evaluates
    public flags on: no cookies, query or headers (so waffle's testing overrides and
    cookies play no part, and the answer depends on nothing a cache cannot see)."""

    audience: str | None = None
    user: Any = field(default_factory=AnonymousUser)
    LANGUAGE_CODE: str | None = None  # the names waffle reads off a Django request
    GET: dict = field(default_factory=dict)
    COOKIES: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
