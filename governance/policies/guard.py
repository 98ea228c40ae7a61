"""Content policies guard submit, publish and scheduling (registered in GovernanceConfig).

Each check runs inside the content service's transaction, before the change; raising
refuses it. Scheduling a publish is checked like a publish, so the person scheduling is
refused now (an override of that exact revision lets it through, then and when the
time comes).

Scheduled publishes act as the system with no one to give a reason, so an item whose
revision fails a blocking policy is refused (the scheduler records and logs the refusal
and the item stays scheduled) unless that exact revision was overridden beforehand.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from content.guards import PublishingGuard
from content.models import PublishableCore, Revision
from governance.policies.services import PolicyViolationError, ensure_policies_pass

logger = logging.getLogger(__name__)


class PolicyGuard(PublishingGuard):
    """Blocking content policies refuse the transition (400, every violation listed)."""

    def check_submit(
        self, *, entry: PublishableCore, actor: Any, revision: Revision | None
    ) -> None:
        ensure_policies_pass(entry=entry, revision=revision, actor=actor, transition="submit")

    def check_schedule(
        self,
        *,
        entry: PublishableCore,
        actor: Any,
        revision: Revision | None,
        publish_at: datetime,
    ) -> None:
        ensure_policies_pass(entry=entry, revision=revision, actor=actor, transition="schedule")

    def check_publish(
        self, *, entry: PublishableCore, actor: Any, revision: Revision, scheduled: bool
    ) -> None:
        try:
            ensure_policies_pass(entry=entry, revision=revision, actor=actor, transition="publish")
        except PolicyViolationError as exc:
            if scheduled:
                logger.warning(
                    "Scheduled publish of %s %s refused by content policies: %s",
                    entry._meta.model_name,
                    entry.pk,
                    "; ".join(exc.messages),
                )
            raise
