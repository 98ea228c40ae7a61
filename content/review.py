"""The review backend: the one owner of the review decision (Wagtail's workflows, in small).

Content asks one registered backend everything about reviews; no signal decides them.
The base class is the plain review (no workflow: content's own rules), which content
uses until an app registers its own from its AppConfig.ready(), usually a subclass that
falls back on the plain rules where no workflow applies (governance's workflows:
governance.workflows.backend.WorkflowReviewBackend).

Who calls whom, for an approve (reject alike):

    entry_approve (lock the row)
      → checks.review_check → backend.refusal(...)         reads only; raised if not None
      → backend.decide(...)                                 records the decision, and once
          → lifecycle.review_outcome_apply(...)             the review has an outcome, writes
                                                            it: status + audit + entry_changed

The backend calls `review_outcome_apply` at most once per decision (an intermediate
workflow step writes no status), and that function checks only content's own rules (not
trashed, review rights, an item in review): nothing in it calls the backend again.

Refusals are Django's ValidationError (400) or PermissionDenied (403); raised inside the
service's transaction, they roll everything back. The read-only methods (`refusal`,
`publish_refusal`) return them instead and, like `applies`, are asked by the checks
(content.services.checks) that the services run and the admin runs to decide what to
offer, so a button is offered exactly when the service would accept it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from content.models import PublishableCore, Revision

# Modules, not names: lifecycle and checks call the backend in turn, so whichever side is
# imported first, the other is still loading; attributes are read only when called.
from content.services import checks, lifecycle, rules

Refusal = ValidationError | PermissionDenied


class ReviewBackend:
    """The plain review: reviewers approve or reject an item in review, and a rejection
    needs a comment. A live item's changes have nothing to be reviewed against, so they
    are published directly."""

    def applies(self, entry: PublishableCore) -> bool:
        """Whether this backend reviews `entry` (a workflow applies); a live item's changes
        can be submitted only then."""
        return False

    def start(self, *, entry: PublishableCore, actor: Any, revision: Revision | None) -> bool:
        """On submit, under the row lock: open a review of `revision`; whether one was opened."""
        return False

    def refusal(self, *, entry: PublishableCore, actor: Any, decision: str) -> Refusal | None:
        """Why `actor` may not `decision` ("approve" / "reject") the item now, or None.

        Reads only. Asked for a person (the system's decisions are not refused here)."""
        if rules.live_changes(entry):
            return ValidationError({"status": [checks.NO_OPEN_REVIEW]})
        return None

    def decide(self, *, entry: PublishableCore, actor: Any, decision: str, message: str) -> None:
        """Record `actor`'s decision (the check passed) and write the outcome once reached,
        through `lifecycle.review_outcome_apply`."""
        if rules.live_changes(entry):
            # Reached by the system, which `refusal` is not asked about.
            raise ValidationError({"status": [checks.NO_OPEN_REVIEW]})
        if decision == "reject" and not (message or "").strip():
            raise ValidationError({"message": ["A rejection needs a comment."]})
        lifecycle.review_outcome_apply(entry=entry, actor=actor, decision=decision, message=message)

    def publish_refusal(
        self, *, entry: PublishableCore, actor: Any, revision: Revision | None
    ) -> Refusal | None:
        """Why `actor` (a person) may not put `revision` live now as far as the review goes
        (no approval, no bypass), or None. Reads only: `on_publish` enforces it."""
        return None

    def on_publish(
        self, *, entry: PublishableCore, actor: Any, revision: Revision, scheduled: bool
    ) -> None:
        """Before `revision` goes live (`scheduled`: the scheduler, as the system): raise to
        refuse; may record what let it through (an audited bypass)."""

    def on_schedule(
        self,
        *,
        entry: PublishableCore,
        actor: Any,
        revision: Revision | None,
        publish_at: datetime,
    ) -> None:
        """Before a publish time is set that would put `revision` live: raise to refuse now
        what the scheduler would refuse when due; may record a bypass it will honour."""


_backend: ReviewBackend = ReviewBackend()


def register_backend(backend: ReviewBackend) -> ReviewBackend:
    """Make `backend` the owner of every review from now on; returns the one it replaces
    (so a test can put it back)."""
    global _backend
    previous, _backend = _backend, backend
    return previous


def backend() -> ReviewBackend:
    """The registered review backend (the plain review when no app registered one)."""
    return _backend
