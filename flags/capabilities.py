"""Folio's own capabilities, each behind a waffle switch an Administrator can turn off
without a deploy (the admin's Switches, or `manage.py waffle_switch <name> off`).

A capability whose switch is off refuses at its entry points: the services (so the admin,
the API, tasks and commands agree) and the real-time connections. A switch that does not
exist counts as on (a deleted row must not silently turn a capability off); the data
migration flags.0002 creates them, on. Reading one is waffle's cached Switch.get: one
cache read, a query only on a miss. The delivery API never reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

from waffle import get_waffle_switch_model

from core.exceptions import SwitchedOff


@dataclass(frozen=True)
class Capability:
    switch: str
    title: str
    off: str  # what a client is told while it is off


REALTIME = Capability(
    "folio_realtime",
    "Real time",
    "Real time is switched off: the WebSocket and the event stream take no new connections.",
)
RELEASES = Capability(
    "folio_releases",
    "Releases",
    "Releases are switched off: they cannot be built, published, scheduled or reverted.",
)
RUNTIME_TYPES = Capability(
    "folio_runtime_types",
    "Content types as data",
    "Defining and changing content types as data is switched off; their entries still work.",
)
CAPABILITIES = (REALTIME, RELEASES, RUNTIME_TYPES)
SWITCH_NAMES = frozenset(c.switch for c in CAPABILITIES)
# For a view's `extra_error_statuses` (core.schema): the schema documents the 503.
SWITCHED_OFF_STATUS = {"503": "Switched off by an Administrator; details.switch names it."}


def capability_on(capability: Capability) -> bool:
    switch = get_waffle_switch_model().get(capability.switch)
    return switch.active if switch.pk else True


def capability_required(capability: Capability) -> None:
    """Refuse (SwitchedOff: a 503 in the API, a refusal in the admin) while it is off."""
    if not capability_on(capability):
        raise SwitchedOff(capability.off, switch=capability.switch)
