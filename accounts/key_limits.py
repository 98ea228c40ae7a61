"""An API key's own limits: its rate (a throttle bucket of its own) and the networks it may
be used from. `api_key_set_limits` is the one write path; the admin and the API call it."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import audit_changes, audit_record
from accounts.models import ApiKey, User
from accounts.roles import require_perm

# DRF's rate syntax ("N/period", read by SimpleRateThrottle.parse_rate from the period's
# first letter), with the period spelled one of the ways DRF's own settings are.
_RATE = re.compile(r"([1-9][0-9]{0,8})/(s|sec|second|m|min|minute|h|hour|d|day)")
MAX_NETWORKS = 50

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def rate_limit_clean(value: str | None) -> str:
    """A key's rate as stored: "N/period", or "" for the default throttle."""
    value = (value or "").strip().replace(" ", "")
    if value and _RATE.fullmatch(value) is None:
        raise ValidationError(
            {
                "rate_limit": [
                    'Write the rate as "N/period", such as "600/min" (N at least 1; '
                    "period s, min, hour or day), or leave it empty for the default."
                ]
            }
        )
    return value


def rate_limit_parse(rate: str) -> tuple[int, int]:
    """A stored rate as (requests, seconds), as DRF's SimpleRateThrottle.parse_rate reads it."""
    count, period = rate.split("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


def allowed_networks_clean(values: Iterable[Any] | None) -> list[str]:
    """The CIDR ranges as stored (normalised, without duplicates); [] means anywhere."""
    cleaned: list[str] = []
    for value in values or []:
        try:
            network = ipaddress.ip_network(str(value).strip(), strict=False)
        except ValueError:
            raise ValidationError(
                {"allowed_networks": [f"{value!s:.60} is not an IP network (such as 10.0.0.0/8)."]}
            ) from None
        if str(network) not in cleaned:
            cleaned.append(str(network))
    if len(cleaned) > MAX_NETWORKS:
        raise ValidationError({"allowed_networks": [f"At most {MAX_NETWORKS} networks."]})
    return cleaned


@lru_cache(maxsize=1024)
def _parsed(networks: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(network) for network in networks)


def api_key_allows_address(api_key: ApiKey, address: str | None) -> bool:
    """Whether the key may be used from `address` (the client as core.client_address
    resolved it): anywhere when it names no networks."""
    if not api_key.allowed_networks:
        return True
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in _parsed(tuple(api_key.allowed_networks)))


@transaction.atomic
def api_key_set_limits(
    *,
    actor: User,
    api_key: ApiKey,
    rate_limit: str | None = None,
    allowed_networks: Iterable[Any] | None = None,
) -> ApiKey:
    """Set a key's own rate and networks (None leaves one as it is); only those who may
    change keys (Administrators) may, and every change is audited."""
    require_perm(actor, "accounts.change_apikey")
    # The row as stored, not the caller's copy (an admin form has already written to it).
    key = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    before = {"rate_limit": key.rate_limit, "allowed_networks": key.allowed_networks}
    after = dict(before)
    if rate_limit is not None:
        after["rate_limit"] = rate_limit_clean(rate_limit)
    if allowed_networks is not None:
        after["allowed_networks"] = allowed_networks_clean(allowed_networks)
    changes = audit_changes(before, after)
    if changes and key.revoked_at is not None:
        raise ValidationError("A revoked key cannot be changed.")
    if changes:
        for field, (_, value) in changes.items():
            setattr(key, field, value)
        key.save(update_fields=list(changes))
        audit_record(actor=actor, action="api_key.limits_change", target=key, changes=changes)
    return key
