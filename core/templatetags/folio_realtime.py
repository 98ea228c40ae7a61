"""`{% realtime_script %}`: the admin's real-time client (folio/realtime.js) with the
address of the editors' WebSocket, for pages that listen to it (the change form's
editing bar, the review queue, the dashboard's cards)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html

from core.realtime_address import editors_socket_url, ping_seconds

register = template.Library()


@register.simple_tag(takes_context=True)
def realtime_script(context) -> str:
    request = context.get("request")
    if request is None or not settings.REALTIME_EDITORS_ENABLED:
        return ""  # the pages carry on without it (the change form polls over HTTP)
    return format_html(
        '<script src="{}" data-url="{}" data-ping-seconds="{}"></script>',
        static("folio/realtime.js"),
        editors_socket_url(request),
        ping_seconds(),
    )
