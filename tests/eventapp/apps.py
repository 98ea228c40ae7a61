"""The Event type's registration: the only place outside its model that names it."""

from __future__ import annotations

from django.apps import AppConfig


def event_url_path(entry, slug: str) -> str:
    return f"/events/{slug}/"


class EventAppConfig(AppConfig):
    name = "tests.eventapp"
    label = "eventapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from content.types import EntryType, register
        from tests.eventapp.models import Event

        register(
            EntryType(
                model=Event,
                api_name="event",
                plural="events",
                label="Events",
                editable=("start_date", "venue"),
                snapshot=("start_date", "venue"),
                summary=("start_date", "venue"),
                url_path=event_url_path,
            )
        )
