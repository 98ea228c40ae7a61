"""The audit hook. Every service calls `audit_record`; governance subscribes and writes
the tamper-evident log. Accounts cannot import governance (dependencies point one way),
so the hook is a signal that governance connects to in its AppConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

from core.rehearsal import rehearsing

# Sent with: actor, action, target, changes, metadata.
audit_requested = Signal()


def audit_record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    changes: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> None:
    """Ask the audit log to record one event (who did what to which object); nothing inside
    a rehearsal (core.rehearsal), whose writes are all rolled back."""
    if rehearsing():
        return
    audit_requested.send(
        sender=type(target) if target is not None else None,
        actor=actor,
        action=action,
        target=target,
        changes=changes or {},
        metadata=metadata or {},
    )


def audit_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """An update's `changes` for the audit log: [old, new] for each setting in `after` whose
    value moved since `before`."""
    return {name: [before[name], value] for name, value in after.items() if before[name] != value}
