"""The Event type's registration (API name "gig": the demo defines a runtime type called
"event"): the only place outside its model that names it."""

from __future__ import annotations

from django.apps import AppConfig


def gig_url_path(entry, slug: str) -> str:
    return f"/gigs/{slug}/"


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
                api_name="gig",
                plural="gigs",
                label="Gigs",
                editable=("start_date", "venue"),
                snapshot=("start_date", "venue"),
                summary=("start_date", "venue"),
                url_path=gig_url_path,
            )
        )
