"""Reads: the public flags, each as it stands for one audience (delivery/flags/)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flags.audience import Audience
from flags.models import Flag


@dataclass(frozen=True)
class FlagState:
    name: str
    active: bool
    modified: datetime


def public_flags() -> list[Flag]:
    """The flags marked public, by name. From waffle's cache of every flag (one cache
    read; a query only on a miss, and waffle empties it when any flag changes)."""
    return sorted((flag for flag in Flag.get_all() if flag.public), key=lambda f: f.name)


def public_flag_states(audience: Audience) -> list[FlagState]:
    """Each public flag, on or off for `audience`, as waffle decides it (everyone, the
    languages, the user's groups and rights, then the percentage: flags.audience)."""
    return [
        FlagState(flag.name, bool(flag.is_active(audience, read_only=True)), flag.modified)
        for flag in public_flags()
    ]
