"""Workflows follow content's notifications (see content/hooks.py).

Only a notification is left here: deciding reviews and what publishing needs is the
review backend's (governance.workflows.backend), which content calls explicitly.
"""

from __future__ import annotations

from governance.workflows import services as workflows


def on_entry_changed(sender, *, entry_id, action, **kwargs) -> None:
    """An edit after submission voids the open review of the older revision."""
    if action == "update":
        entry = sender.objects.filter(pk=entry_id).first()
        if entry is not None:
            workflows.submission_cancel_stale(entry=entry)
