"""Anchors: signed checkpoints of the audit chain's head, kept outside the database.

The hash chain alone proves that no row *inside* it changed, but someone who can write the
table can empty it, drop its newest rows, or rewrite them and recompute every hash after
them: each leaves a chain that verifies. An anchor records the head (last id, its hash and
how many rows lead up to it), signed with HMAC-SHA256 under `AUDIT_ANCHOR_KEY`, a key that
lives in settings and never in the database. Anchors go to the log, to `AUDIT_ANCHOR_FILE`
and optionally to `AUDIT_ANCHOR_WEBHOOK_URL`; `verify_audit_log` checks the table against
the latest one. Rows appended after the latest anchor are covered by the next one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import urllib3
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance.audit.services import GENESIS, ChainBreak, lock_chain
from governance.models import AuditEvent

logger = logging.getLogger("folio.audit.anchor")
SIGNED_FIELDS = ("last_id", "hash", "count", "created_at")


class AnchorError(Exception):
    """An anchor that cannot be read or whose signature does not verify."""


@dataclass(frozen=True)
class Anchor:
    last_id: int
    hash: str
    count: int
    created_at: str
    signature: str = ""

    def signed(self) -> Anchor:
        return Anchor(**{**asdict(self), "signature": _signature(self)})

    def is_authentic(self) -> bool:
        return hmac.compare_digest(self.signature, _signature(self))

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict) -> Anchor:
        try:
            return cls(
                last_id=int(data["last_id"]),
                hash=str(data["hash"]),
                count=int(data["count"]),
                created_at=str(data["created_at"]),
                signature=str(data["signature"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise AnchorError(f"not an audit anchor: {exc}") from exc


def _signature(anchor: Anchor) -> str:
    key = settings.AUDIT_ANCHOR_KEY.encode()
    message = json.dumps(
        [getattr(anchor, name) for name in SIGNED_FIELDS], separators=(",", ":")
    ).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@transaction.atomic
def _read_head() -> Anchor:
    # Under the append lock, so no append is half-way between taking an id and committing.
    lock_chain()
    head = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    last_id, last_hash = head or (0, GENESIS)
    count = AuditEvent.objects.filter(id__lte=last_id).count()
    created_at = timezone.now().isoformat()
    return Anchor(last_id=last_id, hash=last_hash, count=count, created_at=created_at).signed()


def audit_anchor_write() -> Anchor:
    """Checkpoint the chain's head: one log line, one line in the file, and the webhook."""
    anchor = _read_head()
    logger.info("audit anchor %s", anchor.to_json(), extra={"audit_anchor": asdict(anchor)})
    if settings.AUDIT_ANCHOR_FILE:
        path = Path(settings.AUDIT_ANCHOR_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:
            file.write(anchor.to_json() + "\n")
    if settings.AUDIT_ANCHOR_WEBHOOK_URL:
        _post(settings.AUDIT_ANCHOR_WEBHOOK_URL, anchor)
    return anchor


def _post(url: str, anchor: Anchor) -> None:
    """Best effort: the log line and the file already hold the anchor."""
    try:
        response = urllib3.request(
            "POST",
            url,
            body=anchor.to_json().encode(),
            headers={"Content-Type": "application/json"},
            timeout=urllib3.Timeout(total=10),
            retries=False,
        )
    except urllib3.exceptions.HTTPError as exc:
        logger.warning("audit anchor webhook %s failed: %s", url, exc)
        return
    if response.status >= 300:
        logger.warning("audit anchor webhook %s answered %s", url, response.status)


def anchors_read(lines: list[str]) -> list[Anchor]:
    """Anchors from JSON lines: the anchor file's, or the JSON log's `audit_anchor` records."""
    anchors = []
    for line in lines:
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            data = json.loads(line)
        except ValueError:
            continue
        data = data.get("audit_anchor", data)
        if isinstance(data, dict) and "signature" in data:
            anchors.append(Anchor.from_dict(data))
    return anchors


def anchor_latest(lines: list[str]) -> Anchor | None:
    """The anchor with the highest head; every one of them must be authentic."""
    anchors = anchors_read(lines)
    for anchor in anchors:
        if not anchor.is_authentic():
            raise AnchorError(
                f"the anchor of {anchor.created_at} has a bad signature: it was forged or "
                "AUDIT_ANCHOR_KEY changed"
            )
    return max(anchors, key=lambda a: (a.last_id, a.count), default=None)


def audit_anchor_check(anchor: Anchor) -> ChainBreak | None:
    """Does the table still hold what the anchor saw? Emptied, shortened or rewritten: no."""
    if not anchor.is_authentic():
        raise AnchorError("the anchor's signature does not verify")
    if anchor.count == 0:
        return None
    anchored = AuditEvent.objects.filter(id=anchor.last_id).values_list("hash", flat=True).first()
    if anchored is None:
        return ChainBreak(
            anchor.last_id,
            f"is missing, though the anchor of {anchor.created_at} saw it as the newest of "
            f"{anchor.count} event(s): the log was emptied or its newest rows deleted",
        )
    if anchored != anchor.hash:
        return ChainBreak(
            anchor.last_id,
            f"no longer has the hash anchored at {anchor.created_at}: rows were rewritten "
            "and their hashes recomputed",
        )
    count = AuditEvent.objects.filter(id__lte=anchor.last_id).count()
    if count != anchor.count:
        return ChainBreak(
            anchor.last_id,
            f"is preceded by {count} event(s), the anchor of {anchor.created_at} counted "
            f"{anchor.count}: rows were deleted",
        )
    return None
