"""The public sitemap and Atom feed, built from published snapshots only.

Their links lead to the frontend (content.frontend): an item's path on the site serving
its locale. With no frontend configured they fall back to the request's host.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from content.frontend import frontend_base, public_url
from content.models.snapshots import DeliverySnapshot
from content.types import entry_types


class PublishedSitemap(Sitemap):
    limit = 10000

    def items(self):
        return DeliverySnapshot.served.only("url_path", "locale", "updated_at").order_by(
            "kind", "id"
        )

    def location(self, item: DeliverySnapshot) -> str:
        return item.url_path

    def get_urls(self, page=1, site=None, protocol=None):
        # Django puts every location on one domain; each item's frontend replaces it.
        urls = super().get_urls(page, site, protocol)
        for url in urls:
            item = url["item"]
            if frontend_base(item.locale):
                url["location"] = public_url(item.url_path, item.locale)
        return urls

    def lastmod(self, item: DeliverySnapshot):
        return item.updated_at


class ArticleFeed(Feed):
    """The latest items of the types registered `in_feed` (content.types): articles."""

    feed_type = Atom1Feed
    title = "Folio: latest articles"
    subtitle = "The most recently published articles."

    def link(self) -> str:
        return public_url("/", settings.CONTENT_DEFAULT_LOCALE)

    def items(self):
        kinds = [t.api_name for t in entry_types() if t.in_feed]
        return DeliverySnapshot.served.filter(kind__in=kinds).order_by("-published_at", "-id")[:50]

    def item_title(self, item: DeliverySnapshot) -> str:
        return item.title

    def item_description(self, item: DeliverySnapshot) -> str:
        return json.loads(item.summary_json).get("summary", "")

    def item_link(self, item: DeliverySnapshot) -> str:
        return public_url(item.url_path, item.locale)

    def item_pubdate(self, item: DeliverySnapshot):
        return item.published_at

    def item_updateddate(self, item: DeliverySnapshot):
        return item.updated_at

    def item_guid(self, item: DeliverySnapshot) -> str:
        return f"folio:{item.kind}:{item.object_id}"
