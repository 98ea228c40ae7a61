"""Content policies enforced on content's guard hooks (connected in GovernanceConfig.ready).

Each runs inside the content service's transaction, before the change; raising refuses it.
Scheduling a publish is checked like a publish, so the person scheduling is refused now
(an override of that exact revision lets it through, then and when the time comes).

Scheduled publishes act as the system with no one to give a reason, so an item whose
revision fails a blocking policy is refused (the scheduler records and logs the refusal
and the item stays scheduled) unless that exact revision was overridden beforehand.
"""

from __future__ import annotations

import logging

from governance.policies.services import PolicyViolationError, ensure_policies_pass

logger = logging.getLogger(__name__)


def on_submit_requested(sender, *, entry, actor, revision, **kwargs) -> None:
    ensure_policies_pass(entry=entry, revision=revision, actor=actor, transition="submit")


def on_schedule_requested(sender, *, entry, actor, revision, **kwargs) -> None:
    ensure_policies_pass(entry=entry, revision=revision, actor=actor, transition="schedule")


def on_publish_requested(sender, *, entry, actor, revision, scheduled=False, **kwargs) -> None:
    try:
        ensure_policies_pass(entry=entry, revision=revision, actor=actor, transition="publish")
    except PolicyViolationError as exc:
        if scheduled:
            logger.warning(
                "Scheduled publish of %s %s refused by content policies: %s",
                sender._meta.model_name,
                entry.pk,
                "; ".join(exc.messages),
            )
        raise
