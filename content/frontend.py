"""Public addresses: where the frontend (the site that renders Folio's content) shows an item.

Items know only their path (`/articles/<slug>/`, a page's `url_path`). FRONTEND_BASE_URL,
or FRONTEND_BASE_URLS for a locale served elsewhere, turns a path into the address the
public opens: in the sitemap, the feed, the delivery API's `url` and the admin's "View on
site". With no frontend configured, paths stay paths.

Snapshots store paths, and the base is added when a response is built (then cached under
a key that includes the bases), so changing the setting needs a restart, not a
`rebuild_snapshots`.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.urls import reverse

from content.types import entry_type_for

# The stored JSON's compact encoding (content.delivery.services).
_URL = '"url":"'


@functools.cache
def _bases() -> tuple[str, dict[str, str], str]:
    """The default base, the bases by locale, and the cache tag, read once: a settings
    lookup costs a microsecond, and delivery asks once per item and request."""
    default = settings.FRONTEND_BASE_URL.rstrip("/")
    by_locale = {locale: url.rstrip("/") for locale, url in settings.FRONTEND_BASE_URLS.items()}
    return default, by_locale, f"{default}|{sorted(by_locale.items())}"


def forget(*, setting: str, **kwargs) -> None:
    """Read the bases again once a test changes one (`setting_changed`)."""
    if setting.startswith("FRONTEND_BASE_URL"):
        _bases.cache_clear()


def frontend_base(locale: str) -> str:
    """The frontend serving `locale`, without a trailing slash; "" when there is none."""
    default, by_locale, _ = _bases()
    return by_locale.get(locale) or default


def public_url(path: str, locale: str) -> str:
    """`path` on the frontend serving `locale`, or the path itself while there is none."""
    return f"{frontend_base(locale)}{path}"


def cache_tag() -> str:
    """What delivery responses depend on here: part of their cache key, so a changed
    base never serves responses built with the old one."""
    return _bases()[2]


def absolute_json(text: str, locale: str, linked: tuple[str, ...] = ()) -> str:
    """A snapshot's stored JSON with the item's `url`, and its `linked` items' (a page's
    parent's), on the frontend.

    A string search, not a parse (0.3 µs against 15 for a summary): render() writes the
    item's `url` after scalar values only, so the first `"url":"` is the item's (a quote
    inside a string value is escaped, so text never matches), and a type's linked items
    come first among its own keys, right after the two dates, each holding its `url`
    after an id and a title (content.delivery.entries.EntryDelivery.linked).
    """
    base = frontend_base(locale)
    if not base:
        return text
    text, end = _prefix_url(text, 0, base)
    for key in linked:
        marker = f'"{key}":'
        at = text.find(marker, end)
        if at >= 0 and text.startswith("{", at + len(marker)):
            text, end = _prefix_url(text, at, base)
    return text


def _prefix_url(text: str, start: int, base: str) -> tuple[str, int]:
    """`text` with `base` put before the first `url` value from `start`, and where it ends."""
    at = text.find(_URL, start)
    if at < 0:
        return text, start
    at += len(_URL)
    return f"{text[:at]}{base}{text[at:]}", at + len(base)


def absolute_item(item: dict[str, Any], linked: tuple[str, ...] = ()) -> dict[str, Any]:
    """A parsed item (as rendered, paths) with its `url`, and its `linked` items', on the
    frontend."""
    base = frontend_base(item["locale"])
    if base:
        item["url"] = f"{base}{item['url']}"
        for key in linked:
            if isinstance(ref := item.get(key), dict):
                item[key] = {**ref, "url": f"{base}{ref['url']}"}
    return item


def live_url(entry: Any) -> str | None:
    """Where the public sees `entry` now, for "View on site": None while it is not live
    (nothing to view) or no frontend serves its locale. The live path may differ from the
    draft's slug, so it comes from the delivery read model."""
    from content.models.snapshots import DeliverySnapshot

    live = (
        DeliverySnapshot.served.filter(kind=entry_type_for(entry).api_name, object_id=entry.pk)
        .values_list("url_path", "locale")
        .first()
    )
    if live is None or not frontend_base(live[1]):
        return None
    return public_url(*live)


def preview_url(token: str, *, locale: str, kind: str, slug: str, entry_id: int) -> str:
    """Where a preview link leads: FRONTEND_PREVIEW_URL with its placeholders filled in (a
    path there is on the frontend serving `locale`), else the delivery API's preview."""
    template = settings.FRONTEND_PREVIEW_URL
    if not template:
        return reverse("delivery-preview", args=[token])
    values = {"token": token, "type": kind, "slug": slug, "locale": locale, "id": entry_id}
    # Validated at start-up (config.settings.addresses): only these names, {token} among them.
    url = template.format(**{name: quote(str(value), safe=":") for name, value in values.items()})
    return public_url(url, locale) if url.startswith("/") else url


def release_preview_url(token: str, release_id: int) -> str | None:
    """Where a release preview starts on the frontend: FRONTEND_RELEASE_PREVIEW_URL filled in
    (a path is on the default locale's frontend); None when it is not set."""
    template = settings.FRONTEND_RELEASE_PREVIEW_URL
    if not template:
        return None
    # Validated at start-up (config.settings.addresses): {token}, and maybe {release}.
    url = template.format(token=quote(token, safe=":"), release=release_id)
    return public_url(url, settings.CONTENT_DEFAULT_LOCALE) if url.startswith("/") else url


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def preview_origins() -> list[str]:
    """The origins the admin's preview panel shows in a frame (its CSP `frame-src`): the
    frontend preview page's, or every frontend's when it is a path on the item's site;
    none without a frontend preview page (Folio renders the preview itself)."""
    template = settings.FRONTEND_PREVIEW_URL
    if not template:
        return []
    if not template.startswith("/"):
        return [_origin(template)]
    default, by_locale, _ = _bases()
    return sorted({_origin(base) for base in (default, *by_locale.values()) if base})


def site_url(request=None) -> str:
    """The admin's "View site": the frontend of the default locale, else Folio's own page.
    (The admin's theme passes the request; the address is the same for everyone.)"""
    return frontend_base(settings.CONTENT_DEFAULT_LOCALE) or reverse("home")
