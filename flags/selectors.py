"""Reads: a flag's state for an audience, and the public flags (delivery/flags/).

A flag is decided in waffle's order (waffle.models.AbstractBaseFlag.is_active): "everyone"
yes or no decides alone; else it is on for its languages, then for the user's rights, users
and groups, then for its percentage, which Folio decides on the audience's stable bucket
(flags.audience) where waffle would draw lots. waffle's cookie-based testing and rollout
modes play no part.

The public flags are kept in the cache as one list (a request reads it once and makes no
query); flags.apps forgets it when a flag or its listing changes, once that commits.
"""

from __future__ import annotations

from dataclasses import dataclass

import waffle
from django.core.cache import cache
from django.db import transaction
from waffle.models import Flag

from flags.audience import Audience, in_rollout
from flags.models import PublicFlag

PUBLIC_CACHE_KEY = f"flags:public:{waffle.__version__}"  # cached waffle rows: per release


@dataclass(frozen=True)
class FlagState:
    name: str
    active: bool


def flag_state(flag: Flag, audience: Audience) -> bool:
    """Whether `flag` is on for `audience`."""
    if flag.everyone is not None:
        return flag.everyone
    languages = {code.strip() for code in flag.languages.split(",")} if flag.languages else ()
    if audience.locale and audience.locale in languages:
        return True
    # An anonymous visitor has no rights, and is in no user list or group.
    if audience.user.is_authenticated and flag.is_active_for_user(audience.user):
        return True
    identity = audience.identity
    return bool(flag.percent and identity and in_rollout(flag.name, identity, flag.percent))


def flag_is_active(request, name: str, *, audience_id: str | None = None) -> bool:
    """A flag's state for a request's user (and locale), for Folio's own code: waffle's
    cached row, decided as delivery/flags/ decides it. A flag that does not exist is off."""
    flag = Flag.get(name)
    if not flag.pk:
        return False
    user = getattr(request, "user", None)
    audience = Audience(
        id=audience_id,
        locale=getattr(request, "LANGUAGE_CODE", None),
        **({"user": user} if user is not None else {}),
    )
    return flag_state(flag, audience)


def public_flags() -> list[Flag]:
    """The flags marked public, by name: from the cache, else one query (then cached)."""
    flags = cache.get(PUBLIC_CACHE_KEY)
    if flags is None:
        flags = list(Flag.objects.filter(public_listing__isnull=False).order_by("name"))
        cache.add(PUBLIC_CACHE_KEY, flags)  # for the cache's TIMEOUT, as waffle's own
    return flags


def public_flags_forget() -> None:
    cache.delete(PUBLIC_CACHE_KEY)


def public_flags_changed(**kwargs) -> None:
    """A flag or its listing changed: forget the cached public flags once that commits (a
    read before then would cache the old rows again)."""
    transaction.on_commit(public_flags_forget)


def public_flag_states(audience: Audience) -> list[FlagState]:
    """Each public flag, on or off for `audience`."""
    return [FlagState(flag.name, flag_state(flag, audience)) for flag in public_flags()]


def flag_is_public(flag: Flag) -> bool:
    return PublicFlag.objects.filter(flag=flag).exists()
