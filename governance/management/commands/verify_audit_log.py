"""Verify the audit log's hash chain and its latest anchor; exit 1 on any tampering."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from governance.audit.anchor import AnchorError, anchor_latest, audit_anchor_check
from governance.audit.services import ChainBreak, audit_chain_verify


class Command(BaseCommand):
    help = (
        "Check that no audit event was edited, deleted or reordered, and that the log still "
        "holds the head its latest signed anchor saw (so it was not emptied, shortened or "
        "rewritten). Exit 0 when intact, 1 when tampered with or an anchor does not verify."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--anchors",
            action="append",
            default=[],
            metavar="FILE",
            help="Read anchors from FILE (JSON lines: the anchor file, or JSON logs holding "
            "'audit anchor' records). Repeatable. Default: AUDIT_ANCHOR_FILE.",
        )
        parser.add_argument(
            "--require-anchor",
            action="store_true",
            help="Fail (exit 1) when no anchor is found, instead of warning.",
        )

    def handle(self, *args, **options) -> None:
        checked = 0
        for result in audit_chain_verify():
            if isinstance(result, ChainBreak):
                raise CommandError(
                    f"Audit log TAMPERED: event {result.event_id} {result.reason}. "
                    f"{checked} earlier event(s) verified."
                )
            checked += 1
            if checked % 10000 == 0:
                self.stdout.write(f"  {checked} events verified…")
        self._check_anchor(options["anchors"], options["require_anchor"])
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {checked} event(s) verified."))

    def _check_anchor(self, files: list[str], required: bool) -> None:
        paths = [Path(name) for name in files] or (
            [Path(settings.AUDIT_ANCHOR_FILE)] if settings.AUDIT_ANCHOR_FILE else []
        )
        lines: list[str] = []
        for path in paths:
            if path.exists():
                lines += path.read_text(encoding="utf-8", errors="replace").splitlines()
            elif files:
                raise CommandError(f"No anchor file at {path}.")
        try:
            anchor = anchor_latest(lines)
            if anchor is None:
                message = "No audit anchor found: an emptied or shortened log cannot be detected."
                if required:
                    raise CommandError(message)
                self.stderr.write(self.style.WARNING(message))
                return
            broken = audit_anchor_check(anchor)
        except AnchorError as exc:
            raise CommandError(f"Audit log anchor INVALID: {exc}.") from exc
        if broken is not None:
            raise CommandError(f"Audit log TAMPERED: event {broken.event_id} {broken.reason}.")
        self.stdout.write(
            f"Anchor of {anchor.created_at} matches: event {anchor.last_id}, "
            f"{anchor.count} event(s) up to it."
        )
