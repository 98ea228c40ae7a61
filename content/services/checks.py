"""What each lifecycle transition needs now: one check per transition.

A service runs its transition's check under the row lock before it acts, and the admin
runs the same function (`allowed`) to decide which buttons to offer, so a button is
offered exactly when pressing it passes, and the two cannot disagree.

Checks only read. What has side effects stays in the services: the review backend's
`on_publish` records an audited workflow bypass, and the publishing guards (content
policies) store their results and list every blocking violation. The checks ask the
review backend's read-only methods instead (content.review: `applies`, `refusal`,
`publish_refusal`). Blocking content policies are the one refusal a button does not
foresee: the change form's policy panel shows them, and the refusal lists each one.

Someone else's edit lock refuses every transition (rules.ensure_not_locked).

A system actor (None: the scheduler, commands, factories) passes the role checks, locks and
the backend's read-only refusals; what binds it is in the backend's `decide` / `on_publish`
and in the guards (content.guards).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from content import review
from content.models import PublishableCore, Revision, Status
from content.services import rules
from content.services.entries import unique_slug
from content.types import entry_type_for

Check = Callable[..., None]

NO_WORKFLOW = "No review workflow applies to this item: publish its changes directly."
NO_OPEN_REVIEW = "No review is open for this item's changes."


def allowed(check: Check, actor: Any, entry: PublishableCore, **kwargs: Any) -> bool:
    """Whether `check` passes, without raising: what the admin asks before offering."""
    try:
        check(actor, entry, **kwargs)
    except (PermissionDenied, ValidationError):
        return False
    return True


# --- Review -----------------------------------------------------------------------------


def submit_check(actor: Any, entry: PublishableCore) -> None:
    """Submit: edit rights on a draft, or on a live item's changes when a workflow applies."""
    rules.ensure_not_trashed(entry)
    rules.ensure_can_edit(actor, entry)
    rules.ensure_not_locked(actor, entry)
    if not rules.live_changes(entry):
        rules.ensure_status(entry, (Status.DRAFT,), "submit")
    elif not review.backend().applies(entry):
        raise ValidationError({"status": [NO_WORKFLOW]})


def outcome_check(actor: Any, entry: PublishableCore, *, decision: str) -> None:
    """Writing a review's outcome: content's own rules only (not in the trash, review
    rights, an item in review or a live item's changes); the backend reached the outcome."""
    rules.ensure_not_trashed(entry)
    rules.ensure_can_review(actor, entry)
    rules.ensure_reviewable(entry, decision)


def review_check(actor: Any, entry: PublishableCore, *, decision: str) -> None:
    """Approve or reject: content's own rules, and the review backend lets `actor` decide
    now (a step's reviewer; a live item's changes only under a workflow)."""
    outcome_check(actor, entry, decision=decision)
    rules.ensure_not_locked(actor, entry)
    if actor is None:
        return  # the system; the backend's decide still applies its rules
    refusal = review.backend().refusal(entry=entry, actor=actor, decision=decision)
    if refusal is not None:
        raise refusal


def approve_check(actor: Any, entry: PublishableCore) -> None:
    review_check(actor, entry, decision="approve")


# --- Publishing -------------------------------------------------------------------------


def _ensure_may_go_live(actor: Any, entry: PublishableCore, revision: Revision | None) -> None:
    """What putting `revision` live needs beyond the role: the expiry, and the workflow."""
    if entry.expire_at is not None and entry.expire_at <= timezone.now():
        raise ValidationError({"expire_at": ["The expiry time has passed; change it first."]})
    if actor is not None:
        refusal = review.backend().publish_refusal(entry=entry, actor=actor, revision=revision)
        if refusal is not None:
            raise refusal


def publish_check(actor: Any, entry: PublishableCore, *, revision: Revision | None = None) -> None:
    """Publish: publish rights, something new to put live, and the revision (by default the
    latest; a release names its own) approved wherever a workflow applies (or
    bypass_workflow)."""
    rules.ensure_not_trashed(entry)
    rules.ensure_can_publish(actor, entry)
    rules.ensure_not_locked(actor, entry)
    if revision is None:
        if entry.status == Status.PUBLISHED and not entry.has_unpublished_changes:
            raise ValidationError("This item is already published with no unpublished changes.")
        revision = entry.latest_revision
    elif entry.status == Status.PUBLISHED and entry.live_revision_id == revision.pk:
        raise ValidationError(f"Revision {revision.number} of this item is already live.")
    _ensure_may_go_live(actor, entry, revision)


def unpublish_check(actor: Any, entry: PublishableCore) -> None:
    """Unpublish: publish rights, and the item is live (a schedule is cleared by schedule)."""
    rules.ensure_not_trashed(entry)
    rules.ensure_can_publish(actor, entry)
    rules.ensure_not_locked(actor, entry)
    if entry.status == Status.SCHEDULED:
        raise ValidationError(
            {"status": ["The item is not live, only scheduled: clear its schedule instead."]}
        )
    rules.ensure_status(entry, (Status.PUBLISHED,), "unpublish")


def schedule_check(actor: Any, entry: PublishableCore) -> None:
    """Schedule: publish rights on an item that is not archived (the service checks the
    times, and a publish time as a publish)."""
    rules.ensure_not_trashed(entry)
    rules.ensure_can_publish(actor, entry)
    rules.ensure_not_locked(actor, entry)
    if entry.status == Status.ARCHIVED:
        raise ValidationError({"status": ["Archived items cannot be scheduled; publish them."]})


def archive_check(actor: Any, entry: PublishableCore) -> None:
    """Archive: publish rights on an item not archived yet."""
    rules.ensure_not_trashed(entry)
    rules.ensure_can_publish(actor, entry)
    rules.ensure_not_locked(actor, entry)
    if entry.status == Status.ARCHIVED:
        raise ValidationError({"status": ["The item is already archived."]})


# --- Trash ------------------------------------------------------------------------------


def trashed_with(entry: PublishableCore) -> QuerySet[PublishableCore]:
    """The items that went to the trash with `entry` (a page's subtree, trashed at that
    moment), parents first."""
    return entry_type_for(entry).behaviour.trashed_with(entry)


def trash_check(actor: Any, entry: PublishableCore) -> None:
    """Trash: delete rights (Authors: their own drafts), and what the type's structure
    allows (an Author trashes no page with subpages)."""
    rules.ensure_can_trash(actor, entry)
    rules.ensure_not_locked(actor, entry)
    if entry.deleted_at is not None:
        raise ValidationError("The item is already in the trash.")
    entry_type_for(entry).behaviour.check_trash(entry, restricted=rules.is_restricted(actor, entry))


def restore_check(actor: Any, entry: PublishableCore, *, republish: bool = False) -> None:
    """Restore: delete rights (Authors: their own drafts) on an item in the trash that its
    type lets come back now (a page whose parent is not in the trash). With `republish`,
    what publishing each revision that was live when trashed needs (the item's and its
    subpages'), as a publish would check it."""
    rules.ensure_can_trash(actor, entry)
    rules.ensure_not_locked(actor, entry)
    if entry.deleted_at is None:
        raise ValidationError("The item is not in the trash.")
    entry_type_for(entry).behaviour.check_restore(entry)
    if republish:
        republish_check(actor, entry)


def was_live(entry: PublishableCore) -> list[PublishableCore]:
    """The items a restore of `entry` brings back that were live when trashed."""
    return [item for item in [entry, *trashed_with(entry)] if item.trashed_live_revision_id]


def republish_check(actor: Any, entry: PublishableCore) -> None:
    """Putting back live what was live when trashed: publish rights, and each revision
    may go live now (workflow approval); the address must still be free."""
    rules.ensure_can_publish(actor, entry)
    items = was_live(entry)
    if not items:
        raise ValidationError(
            {"republish": ["Nothing here was live when it was trashed; restore it as a draft."]}
        )
    for item in items:
        if unique_slug(item, item.slug) != item.slug:
            raise ValidationError(
                {
                    "slug": [
                        f"The address of “{item}” was taken while it was in the trash, so it "
                        "comes back under a new slug: restore it as a draft, then publish it."
                    ]
                }
            )
        _ensure_may_go_live(actor, item, item.trashed_live_revision)
