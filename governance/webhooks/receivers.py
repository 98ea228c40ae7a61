"""Webhook events from content's notification hooks (connected in GovernanceConfig.ready)."""

from __future__ import annotations

from functools import partial

from content.types import entry_type_for
from governance.webhooks.services import webhook_event_emit

UNPUBLISH_EVENTS = {"trash": "content.trashed"}
# A live item's trash comes as an unpublish; a draft's as a change. Both are "trashed".
CHANGE_EVENTS = {
    "update": "content.updated",
    "trash": "content.trashed",
    "restore": "content.restored",
}


def _entry_payload(model, entry_id: int, **extra) -> dict:
    entry = model.objects.filter(pk=entry_id).select_related("locale").first()
    payload = {"type": entry_type_for(model).api_name, "id": entry_id, **extra}
    if entry is not None:
        payload.update(
            title=entry.title,
            slug=entry.slug,
            locale=entry.locale.code,
            status=entry.status,
            version=entry.version,
        )
    return payload


def on_entry_published(sender, entry_id: int, revision_id: int, **kwargs) -> None:
    webhook_event_emit(
        event_type="content.published",
        payload=partial(_entry_payload, sender, entry_id, revision=revision_id),
    )


def on_entry_unpublished(sender, entry_id: int, reason: str, **kwargs) -> None:
    webhook_event_emit(
        event_type=UNPUBLISH_EVENTS.get(reason, "content.unpublished"),
        payload=partial(_entry_payload, sender, entry_id, reason=reason),
    )


def on_entry_changed(sender, entry_id: int, action: str, **kwargs) -> None:
    if action in CHANGE_EVENTS:
        webhook_event_emit(
            event_type=CHANGE_EVENTS[action], payload=partial(_entry_payload, sender, entry_id)
        )


def on_references_changed(sender, target_ids, **kwargs) -> None:
    if sender._meta.model_name == "mediaasset":
        webhook_event_emit(event_type="media.changed", payload={"ids": list(target_ids)})


def on_release_published(sender, release_id: int, name: str, items: list, **kwargs) -> None:
    webhook_event_emit(
        event_type="release.published", payload={"id": release_id, "name": name, "items": items}
    )


def on_release_reverted(sender, release_id: int, name: str, items: list, **kwargs) -> None:
    webhook_event_emit(
        event_type="release.reverted", payload={"id": release_id, "name": name, "items": items}
    )
