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
- `references_changed(sender=model, target_ids)`: a referenced object (media, category,
  tag) changed, so snapshots that use it need rebuilding; receivers write the rebuild as an
  outbox job (outbox.services) in the change's transaction, so it cannot be lost.

One notification from the delivery read model (content.delivery.events), which only it sends:
- `delivery_changed(sender=None, events)`: what frontends may hear about a change to the read
  model (published, updated, unpublished, expired), as dicts, inside the transaction that
  made it; receivers send them on only once it commits (realtime).

One extension point for the admin, which only reads:
- `admin_panels(sender=model, entry, user)`: panels for the item's admin change form.
  A receiver returns a dict `{"template": ..., ...}` (or None for no panel); the change
  form includes each template with the dict as `panel`.
"""

from __future__ import annotations

from django.dispatch import Signal

entry_published = Signal()
entry_unpublished = Signal()
entry_changed = Signal()
references_changed = Signal()
delivery_changed = Signal()
admin_panels = Signal()


def announce(signal: Signal, entry, **kwargs) -> None:
    """Send a notification about `entry` inside the current transaction."""
    signal.send(sender=type(entry), entry_id=entry.pk, **kwargs)
