"""The public sitemap and Atom feed, built from published snapshots only."""

from __future__ import annotations

import json

from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from content.models.snapshots import DeliverySnapshot


class PublishedSitemap(Sitemap):
    limit = 10000

    def items(self):
        return DeliverySnapshot.served.only("url_path", "updated_at").order_by("kind", "id")

    def location(self, item: DeliverySnapshot) -> str:
        return item.url_path

    def lastmod(self, item: DeliverySnapshot):
        return item.updated_at


class ArticleFeed(Feed):
    feed_type = Atom1Feed
    title = "Folio: latest articles"
    link = "/"
    subtitle = "The most recently published articles."

    def items(self):
        return DeliverySnapshot.served.filter(kind="article").order_by("-published_at", "-id")[:50]

    def item_title(self, item: DeliverySnapshot) -> str:
        return item.title

    def item_description(self, item: DeliverySnapshot) -> str:
        return json.loads(item.summary_json).get("summary", "")

    def item_link(self, item: DeliverySnapshot) -> str:
        return item.url_path

    def item_pubdate(self, item: DeliverySnapshot):
        return item.published_at

    def item_updateddate(self, item: DeliverySnapshot):
        return item.updated_at

    def item_guid(self, item: DeliverySnapshot) -> str:
        return f"folio:article:{item.object_id}"
