"""Workflows own the review: governance's review backend (registered in GovernanceConfig).

Content asks it everything about reviews (content.review); each method is thin and calls
the service that holds the rule (governance.workflows.services for submitting and
deciding, governance.workflows.publishing for publishing and scheduling). Where no
workflow applies, or a rejection has no open submission, content's plain review decides.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError

from content.models import PublishableCore, Revision
from content.review import Refusal, ReviewBackend
from governance.workflows import publishing, routing
from governance.workflows import services as workflows

NO_SUBMISSION = "This item has no open review submission for its current revision; submit it again."


class WorkflowReviewBackend(ReviewBackend):
    """Reviews go through the workflow that applies: submit opens a submission of the
    revision, each decision is one step's (review_decide), and publishing needs the
    approval of exactly that revision (or an audited bypass)."""

    def applies(self, entry: PublishableCore) -> bool:
        return routing.workflow_for(entry) is not None

    def start(self, *, entry: PublishableCore, actor: Any, revision: Revision | None) -> bool:
        return workflows.submission_start(entry=entry, actor=actor, revision=revision) is not None

    def _plain(self, entry: PublishableCore, decision: str) -> bool:
        """Nothing to review against: content's own rules decide a rejection, and any
        decision where no workflow applies."""
        return decision == "reject" or routing.workflow_for(entry) is None

    def refusal(self, *, entry: PublishableCore, actor: Any, decision: str) -> Refusal | None:
        """What `decide` and review_decide would refuse (reads only)."""
        submission = workflows.submission_current(entry)
        if submission is None:
            if self._plain(entry, decision):
                return super().refusal(entry=entry, actor=actor, decision=decision)
            return ValidationError(NO_SUBMISSION)  # approving needs an open submission
        return workflows.review_refusal(submission=submission, entry=entry, actor=actor)

    def decide(self, *, entry: PublishableCore, actor: Any, decision: str, message: str) -> None:
        """The decision goes to the open submission's current step; review_decide writes the
        item's status through content once the review is over."""
        submission = workflows.submission_current(entry)
        if submission is None:
            if self._plain(entry, decision):
                super().decide(entry=entry, actor=actor, decision=decision, message=message)
                return
            raise ValidationError(NO_SUBMISSION)
        workflows.review_decide(
            submission=submission, actor=actor, decision=decision, comment=message
        )

    def publish_refusal(
        self, *, entry: PublishableCore, actor: Any, revision: Revision | None
    ) -> Refusal | None:
        return publishing.publish_refusal(entry=entry, actor=actor, revision=revision)

    def on_publish(
        self, *, entry: PublishableCore, actor: Any, revision: Revision, scheduled: bool
    ) -> None:
        publishing.workflow_publish_check(
            entry=entry, actor=actor, revision=revision, scheduled=scheduled
        )

    def on_schedule(
        self,
        *,
        entry: PublishableCore,
        actor: Any,
        revision: Revision | None,
        publish_at: datetime,
    ) -> None:
        publishing.workflow_schedule_check(
            entry=entry, actor=actor, revision=revision, publish_at=publish_at
        )
