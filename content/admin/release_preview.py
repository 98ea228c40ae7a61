"""The release page's Preview panel (content.admin.releases): issue a release preview token
(content.services.release_preview) and show it, with delivery URLs that answer as if the
release were published, and a link to the frontend's preview page when one is configured.

The token is shown to the person who asked for it: the page keeps it in their session, for
this release, until it expires (asking again makes a new one).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone

from content.delivery.registry import entry_delivery
from content.frontend import release_preview_url
from content.models import Release
from content.services.release_preview import release_preview_token_create
from content.types import api_name_of, entry_type

SESSION_KEY = "release_previews"


def preview_issue(request, release: Release) -> datetime:
    """A new token for `release`, kept in the session for the panel; when it expires."""
    issued = release_preview_token_create(release=release, actor=request.user)
    kept = dict(request.session.get(SESSION_KEY, {}))
    now = timezone.now().isoformat()
    kept = {pk: t for pk, t in kept.items() if t["expires_at"] > now}  # drop expired ones
    kept[str(release.pk)] = {
        "token": issued["token"],
        "expires_at": issued["expires_at"].isoformat(),
    }
    request.session[SESSION_KEY] = kept
    return issued["expires_at"]


def _list_urls(release: Release) -> list[tuple[str, str]]:
    """The delivery lists of the types the release changes, by label."""
    urls = []
    names = dict.fromkeys(api_name_of(ct) for ct in _content_types(release))
    for name in names:
        try:
            delivery = entry_delivery(entry_type(name))
        except LookupError:  # a type removed since
            continue
        if delivery.entry_type.runtime:
            path = reverse("delivery-entries", kwargs={"api_id": delivery.kind})
        else:
            path = reverse(f"delivery-{delivery.plural}")
        urls.append((delivery.entry_type.display_label, path))
    return urls


def _content_types(release: Release):
    return [item.content_type for item in release.items.select_related("content_type")]


def preview_context(request, release: Release) -> dict[str, Any] | None:
    """The panel's token and links, while the session holds an unexpired one for `release`."""
    kept = request.session.get(SESSION_KEY, {}).get(str(release.pk))
    if not kept or kept["expires_at"] <= timezone.now().isoformat():
        return None
    token = kept["token"]
    query = f"?release_preview={quote(token, safe=':')}"
    paths = [
        *_list_urls(release),
        ("Sitemap", reverse("sitemap")),
        ("Atom feed", reverse("feed-articles")),
    ]
    return {
        "token": token,
        "expires_at": datetime.fromisoformat(kept["expires_at"]),
        "urls": [(label, request.build_absolute_uri(f"{path}{query}")) for label, path in paths],
        "example": request.build_absolute_uri(paths[0][1]),
        "frontend_url": release_preview_url(token, release.pk),
    }
