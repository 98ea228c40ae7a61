"""Who a flag is evaluated for, and the stable rollout buckets behind percentages.

waffle decides a percentage flag by chance and remembers the outcome in a cookie, which
a frontend reading `delivery/flags/` (and a CDN caching it) cannot carry. Folio buckets an
identity instead: the same visitor, flag and percentage always give the same answer, and
raising the percentage only adds visitors (nobody in at 20% is out at 30%).
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


@dataclass(frozen=True)
class Audience:
    """Whom a flag is asked about: a visitor id the client names, a signed-in user (or an
    anonymous one), and a locale."""

    id: str | None = None
    user: Any = field(default_factory=AnonymousUser)
    locale: str | None = None

    @property
    def identity(self) -> str | None:
        """What a percentage is decided on: the visitor id, else the signed-in user; None
        (outside every rollout) for an anonymous visitor who names none."""
        if self.id:
            return f"audience:{self.id}"
        if self.user.is_authenticated:
            return f"user:{self.user.pk}"
        return None
