"""Notifications content sends to apps that depend on it (delivery, governance).

Dependencies point one way (governance → content), so content announces and others
subscribe, each receiver connected in its AppConfig.ready() with a dispatch_uid.
Signals here only tell: what a receiver returns is ignored, and no receiver decides a
transition. Deciding is done through interfaces content calls explicitly: the review
backend (content.review: who may approve or reject, what a publish needs from the
review) and the publishing guards (content.guards: content policies on submit, publish
and schedule).

Notifications, sent inside the service's transaction right after the change, so what a
receiver writes (the delivery snapshot, the webhook outbox) commits or rolls back with
it. Receivers must not raise, and queue anything outside the database (Celery tasks,
cache purges) with transaction.on_commit:
- `entry_published(sender=model, entry_id, revision_id)`
- `entry_unpublished(sender=model, entry_id, reason)`: unpublish, expiry, archive, trash.
- `entry_changed(sender=model, entry_id, action)`: any other write (update, restore...).
- `release_published(sender=Release, release_id, items)` / `release_reverted(...)`: a
  release went out (before its items' own notifications) or was reverted; `items` lists
  each as {type, id, action, revision}.
- `references_changed(sender=model, target_ids)`: a referenced object (media, category,
  tag) changed, so snapshots that use it need rebuilding; receivers write the rebuild as an
  outbox job (outbox.services) in the change's transaction, so it cannot be lost.

One notification from the delivery read model (content.delivery.events), which only it sends:
- `delivery_changed(sender=None, events)`: what frontends may hear about a change to the read
  model (published, updated, unpublished, expired), as dicts, inside the transaction that
  made it; receivers send them on only once it commits (realtime).

One notification from presence (content.services.presence), outside any transaction:
- `presence_changed(sender=model, entry_id, item, present)`: who has the item's change form
  open changed (someone arrived, left, or missed their heartbeats); `present` lists
  everyone there now (presence.Present).

One extension point for the admin, which only reads:
- `admin_panels(sender=model, entry, user)`: panels for the item's admin change form.
  A receiver returns a dict `{"template": ..., ...}` (or None for no panel); the change
  form includes each template with the dict as `panel`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.dispatch import Signal

entry_published = Signal()
entry_unpublished = Signal()
entry_changed = Signal()
references_changed = Signal()
release_published = Signal()
release_reverted = Signal()
delivery_changed = Signal()
presence_changed = Signal()
admin_panels = Signal()


def announce(signal: Signal, entry, **kwargs) -> None:
    """Send a notification about `entry` inside the current transaction."""
    signal.send(sender=type(entry), entry_id=entry.pk, **kwargs)


def announce_release(signal: Signal, release, **kwargs) -> None:
    """Send a notification about a release inside the current transaction."""
    signal.send(sender=type(release), release_id=release.pk, name=release.name, **kwargs)


# --- Batches: many items changed in one transaction (a release) --------------------------

_batch: ContextVar[dict[Hashable, tuple[Callable[[list], None], list]] | None] = ContextVar(
    "content_hooks_batch", default=None
)


@contextmanager
def batch() -> Iterator[None]:
    """Notifications inside go out one by one as usual, but a receiver may `gather` its work
    and do it once when the batch ends (still inside the caller's transaction): a release's
    items refresh the read model, and bump the content version, once per type. Work gathered
    is dropped if the block raises (its transaction rolls back anyway)."""
    if _batch.get() is not None:
        yield  # already batching: the outer batch does the work
        return
    pending: dict[Hashable, tuple[Callable[[list], None], list]] = {}
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    for flush, items in pending.values():
        flush(list(dict.fromkeys(items)))


def gather(key: Hashable, item: Any, flush: Callable[[list], None]) -> bool:
    """Inside a batch: add `item` under `key`, for `flush(items)` once at the batch's end,
    and answer True; outside one, False (do the work now)."""
    pending = _batch.get()
    if pending is None:
        return False
    pending.setdefault(key, (flush, []))[1].append(item)
    return True
