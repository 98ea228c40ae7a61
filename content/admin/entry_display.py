"""How an item reads in the admin's lists and read-only forms: status badge, owner,
what is live, the body typeset as prose, and "View on site"."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from unfold.widgets import PROSE_CLASSES

from content import frontend
from content.admin.widgets import body_html, status_badge
from content.models import PublishableCore

# A read-only body is typeset as the reader sees it: unfold's prose styles, Folio's measure.
PROSE_CLASS = " ".join(["prose", "folio-prose", *PROSE_CLASSES])


class EntryDisplayMixin:
    """For EntryAdmin: the computed columns and read-only fields."""

    @admin.display(description="Status", ordering="status")
    def status_display(self, obj: PublishableCore) -> str:
        return status_badge(obj)

    @admin.display(description="Owner")
    def owner_display(self, obj: PublishableCore) -> str:
        return str(obj.owner) if obj.owner_id else "—"

    @admin.display(description="Published")
    def live_info(self, obj: PublishableCore) -> str:
        if not obj.pk:
            return "—"
        live = f"revision {obj.live_revision.number}" if obj.live_revision_id else "not live"
        latest = obj.latest_revision.number if obj.latest_revision_id else "—"
        return f"Live: {live} · latest revision {latest} · version {obj.version}"

    def view_on_site(self, obj: PublishableCore) -> str | None:
        """The live item on the frontend; no link while it is not live or has no frontend."""
        return frontend.live_url(obj)

    @admin.display(description="Body")
    def body_display(self, obj: PublishableCore) -> str:
        """The body as the reader sees it (blocks_to_html), typeset as prose."""
        # Stored bodies passed content.blocks.body_clean, so their HTML is sanitised.
        body = mark_safe(body_html(obj.body or []))  # noqa: S308
        return format_html('<div class="{}">{}</div>', PROSE_CLASS, body)
