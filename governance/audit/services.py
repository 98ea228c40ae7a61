"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django_guid import get_guid

from core.context import current_ip
from governance.models import AuditEvent

GENESIS = "0" * 64
# Any constant: serialises appends so two writers never chain onto the same row.
_CHAIN_LOCK_ID = 74_011_001

HASHED_FIELDS = (
    "created_at",
    "actor_id",
    "actor_repr",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "changes",
    "metadata",
    "ip",
    "request_id",
)


def _json_safe(value: Any) -> Any:
    """What the JSONField will give back, so the stored row hashes like the written one."""
    return json.loads(json.dumps(value, default=str))


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    """SHA-256 over the previous hash and the row's canonical JSON."""
    payload = {field: getattr(event, field) for field in HASHED_FIELDS}
    payload["created_at"] = event.created_at.isoformat()
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{prev_hash}{canonical}".encode()).hexdigest()


def lock_chain() -> None:
    """Serialise appends (and anchor reads) so no two see a different head."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
    # SQLite: writes already take the database lock (transaction_mode=IMMEDIATE).


@transaction.atomic
def audit_event_append(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    changes: dict | None = None,
    metadata: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain; the only way a row is ever written."""
    lock_chain()
    actor = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor,
        actor_repr=str(actor) if actor else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        changes=_json_safe(changes or {}),
        metadata=_json_safe(metadata or {}),
        ip=current_ip.get(),
        request_id=(get_guid() or "")[:64],
    )
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event.prev_hash = last or GENESIS
    event.hash = event_hash(event, event.prev_hash)
    event.save()
    return event


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def audit_chain_verify() -> Iterator[int | ChainBreak]:
    """Walk the chain oldest first; yield each verified id, and the first break if any."""
    expected_prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != expected_prev:
            yield ChainBreak(event.id, "does not follow the previous row (deleted or reordered)")
            return
        if event_hash(event, event.prev_hash) != event.hash:
            yield ChainBreak(event.id, "its content does not match its hash (edited)")
            return
        expected_prev = event.hash
        yield event.id
