"""Write a signed anchor of the audit chain's head now (beat also does it periodically)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from governance.audit.anchor import audit_anchor_write


class Command(BaseCommand):
    help = (
        "Checkpoint the audit log's head (last id, hash, count), signed with AUDIT_ANCHOR_KEY, "
        "to the log, AUDIT_ANCHOR_FILE and AUDIT_ANCHOR_WEBHOOK_URL."
    )

    def handle(self, *args, **options) -> None:
        anchor = audit_anchor_write()
        self.stdout.write(anchor.to_json())
