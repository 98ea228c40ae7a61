"""Extension points content offers to apps that depend on it (governance, delivery).

Dependencies point one way (governance → content), so content announces and others
subscribe, each receiver connected in its AppConfig.ready() with a dispatch_uid.

Guards, sent inside the service's transaction *before* the change; a receiver blocks
the transition by raising django.core.exceptions.ValidationError (→ 400) or
PermissionDenied (→ 403), and the whole transaction rolls back:
- `publish_requested(sender=model, entry, actor, revision, scheduled)`: from publish
  and from the scheduler. Governance enforces workflows and blocking policies here.
- `submit_requested(sender=model, entry, actor, revision)`: from submit.
- `schedule_requested(sender=model, entry, actor, revision, publish_at)`: from schedule,
  when a publish time is set and something new would go live. Governance checks here
  what the scheduler will check when the time comes (workflows, blocking policies), so
  the person scheduling is refused now. Its own signal, not `publish_requested`: there,
  `scheduled=True` means the scheduler is publishing as the system, which a person
  scheduling is not (and the system may schedule what it may not yet publish).
- `review_requested(sender=model, entry, actor, decision, message)`: from approve and
  reject, after content's own checks. A receiver that owns the review (governance's
  workflows) records the decision and returns True ("taken over"); the service then
  writes nothing itself, since the receiver moves the status through these same
  services once the review is complete.

Notifications, sent inside the service's transaction right after the change, so what a
receiver writes (the delivery snapshot, the webhook outbox) commits or rolls back with
it. Receivers must not raise, and queue anything outside the database (Celery tasks,
cache purges) with transaction.on_commit:
- `entry_published(sender=model, entry_id, revision_id)`
- `entry_unpublished(sender=model, entry_id, reason)`: unpublish, expiry, archive, trash.
- `entry_changed(sender=model, entry_id, action)`: any other write (update, restore...).
- `references_changed(sender=model, target_ids)`: a referenced object (media, category,
  tag) changed, so snapshots that use it need rebuilding; receivers write the rebuild as an
  outbox job (outbox.services) in the change's transaction, so it cannot be lost.

Queries, read-only parts of the transitions' checks (content.services.checks): the
service asks them under its lock before acting, and the admin asks them to decide what
to offer, so both get one answer. Receivers only read, and must not raise; to say no,
a receiver returns False or, better, the ValidationError / PermissionDenied the
transition would raise (not raised: `refusal()` picks it), so the user hears why:
- `review_allowed(sender=model, entry, actor, decision)`: may `actor` approve or reject
  (`decision`) this item now? A receiver that owns the review (governance's workflows)
  answers True or a refusal; None means "no opinion", and content's own rules decide.
- `review_applies(sender=model, entry)`: does a receiver own the review of this item
  (a workflow applies)? True, or None. A live item's changes can only be reviewed so.
- `publish_allowed(sender=model, entry, actor, revision)`: may `actor` publish
  `revision` now, as far as the receiver's rules go (workflow approval, or a bypass the
  guard will record)? None (no objection) or a refusal. Blocking content policies are
  not asked here: evaluating them stores results, and the guard lists every violation.
- `admin_panels(sender=model, entry, user)`: panels for the item's admin change form.
  A receiver returns a dict `{"template": ..., ...}` (or None for no panel); the change
  form includes each template with the dict as `panel`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import Signal

publish_requested = Signal()
submit_requested = Signal()
schedule_requested = Signal()
review_requested = Signal()
entry_published = Signal()
entry_unpublished = Signal()
entry_changed = Signal()
references_changed = Signal()
review_allowed = Signal()
review_applies = Signal()
publish_allowed = Signal()
admin_panels = Signal()


def taken_over(responses: list[tuple[object, object]]) -> bool:
    """Whether a receiver of a guard signal took the transition over (returned True)."""
    return any(response is True for _receiver, response in responses)


def allowed(responses: list[tuple[object, object]]) -> bool:
    """The answer to a yes/no query: allowed unless some receiver said no."""
    return refusal(responses) is None


def refusal(responses: list[tuple[object, object]]) -> Exception | None:
    """The first "no" among a query's answers (False becomes a plain PermissionDenied)."""
    for _receiver, response in responses:
        if isinstance(response, ValidationError | PermissionDenied):
            return response
        if response is False:
            return PermissionDenied("You may not do this now.")
    return None


# Set while the receiver that took a review over writes its outcome back through content's
# approve/reject services, so those services apply it instead of handing it over again.
_writing_review_outcome: ContextVar[bool] = ContextVar("writing_review_outcome", default=False)


@contextmanager
def review_outcome() -> Iterator[None]:
    """Wrap the approve/reject calls with which a review's owner records its outcome."""
    token = _writing_review_outcome.set(True)
    try:
        yield
    finally:
        _writing_review_outcome.reset(token)


def writing_review_outcome() -> bool:
    return _writing_review_outcome.get()


def announce(signal: Signal, entry, **kwargs) -> None:
    """Send a notification about `entry` inside the current transaction."""
    signal.send(sender=type(entry), entry_id=entry.pk, **kwargs)
