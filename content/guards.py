"""Publishing guards: rules other apps add to submit, publish and schedule.

A guard refuses a transition by raising Django's ValidationError (400) or
PermissionDenied (403) inside the service's transaction, before the change, so
everything rolls back; it may write what it checked (governance's content policies
store their results and audit overrides). Apps register guards from their
AppConfig.ready(); content calls every registered guard explicitly, in registration
order, right after the review backend's own say (content.review), so a workflow's
refusal comes before a policy's.

- `check_submit(entry, actor, revision)`: from submit.
- `check_publish(entry, actor, revision, scheduled)`: from publish, restore's
  republish and the scheduler (`scheduled`: the scheduler publishes as the system).
- `check_schedule(entry, actor, revision, publish_at)`: from schedule, when a publish
  time is set and something new would go live; what the scheduler will check when the
  time comes, so the person scheduling is refused now.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from content.models import PublishableCore, Revision


class PublishingGuard:
    """Allows everything; subclasses override the transitions they have rules for."""

    def check_submit(
        self, *, entry: PublishableCore, actor: Any, revision: Revision | None
    ) -> None:
        """Raise to refuse submitting `revision` for review."""

    def check_publish(
        self, *, entry: PublishableCore, actor: Any, revision: Revision, scheduled: bool
    ) -> None:
        """Raise to refuse putting `revision` live."""

    def check_schedule(
        self,
        *,
        entry: PublishableCore,
        actor: Any,
        revision: Revision | None,
        publish_at: datetime,
    ) -> None:
        """Raise to refuse scheduling `revision` to go live at `publish_at`."""


_guards: list[PublishingGuard] = []


def register(guard: PublishingGuard) -> None:
    """Add `guard` last; a guard of the same class already registered is replaced in its
    place instead, so a ready() run twice does not check twice."""
    for index, registered in enumerate(_guards):
        if type(registered) is type(guard):
            _guards[index] = guard
            return
    _guards.append(guard)


def unregister(guard: PublishingGuard) -> None:
    """Remove `guard`, if registered."""
    _guards[:] = [g for g in _guards if g is not guard]


def check_submit(*, entry: PublishableCore, actor: Any, revision: Revision | None) -> None:
    """Ask every guard about a submit; the first to refuse raises."""
    for guard in tuple(_guards):
        guard.check_submit(entry=entry, actor=actor, revision=revision)


def check_publish(
    *, entry: PublishableCore, actor: Any, revision: Revision, scheduled: bool
) -> None:
    """Ask every guard about a publish; the first to refuse raises."""
    for guard in tuple(_guards):
        guard.check_publish(entry=entry, actor=actor, revision=revision, scheduled=scheduled)


def check_schedule(
    *, entry: PublishableCore, actor: Any, revision: Revision | None, publish_at: datetime
) -> None:
    """Ask every guard about scheduling a publish; the first to refuse raises."""
    for guard in tuple(_guards):
        guard.check_schedule(entry=entry, actor=actor, revision=revision, publish_at=publish_at)
