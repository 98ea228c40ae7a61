"""The built-in publishable types, Article and Page, as registry entries (content.types).

Registered by ContentConfig.ready(). Page's own behaviour (the tree) is `PageBehaviour`
in content.services.pages; Article is a flat type whose `ArticleBehaviour` adds its few
own rules (its creator as its author, its category as its section, its published date
exported from the row).
"""

from __future__ import annotations

from django.conf import settings

from content.types import EntryBehaviour, EntryType, register


def article_url_path(entry, slug: str) -> str:
    """Articles live at /<CONTENT_ARTICLE_PATH_PREFIX>/<slug>/."""
    return f"/{settings.CONTENT_ARTICLE_PATH_PREFIX}/{slug}/"


class ArticleBehaviour(EntryBehaviour):
    def prepare_create(self, entry, data, actor):
        """The creator is the author unless the data names the authors."""
        if "authors" not in data and actor is not None:
            data["authors"] = [actor]

    def export_record(self, entry, record):
        # Publishing may stamp the date on the row without a new revision (the bulk seeder
        # does): the row knows best.
        for content in (record["latest"], record["live"]):
            if isinstance(content, dict):
                content["published_date"] = entry.published_date


def register_builtin_types() -> None:
    from content.models import Article, Page
    from content.services.pages import PageBehaviour

    register(
        EntryType(
            model=Article,
            api_name="article",
            plural="articles",
            label="Articles",
            editable=("summary", "cover_image", "category", "tags", "authors", "published_date"),
            snapshot=("summary", "cover_image", "category", "tags", "authors", "published_date"),
            many_to_many=("tags", "authors"),
            summary=("summary", "published_date", "category", "tags", "authors", "cover_image"),
            relations=("category", "tags", "authors", "cover_image"),
            url_path=article_url_path,
            delivery_filters=("category", "tag", "author", "published_after", "published_before"),
            in_feed=True,
            delivery="content.delivery.articles.ArticleDelivery",
            behaviour=ArticleBehaviour(),
            section_category_field="category",
            review_interval_days=180,
            keep_on_revert=("published_date",),
            admin="content.admin.articles.ArticleAdmin",
            serializer="content.serializers.entries.ArticleSerializer",
            create_serializer="content.serializers.entries.ArticleCreateSerializer",
            update_serializer="content.serializers.entries.ArticleUpdateSerializer",
            filterset="content.filters.ArticleFilter",
        )
    )
    register(
        EntryType(
            model=Page,
            api_name="page",
            plural="pages",
            label="Pages",
            create_only=("parent",),
            snapshot=("parent", "url_path"),
            summary=("parent",),
            relations=("parent",),
            delivery_filters=("parent",),
            delivery="content.delivery.pages.PageDelivery",
            behaviour=PageBehaviour(),
            section_path_field="path",
            review_interval_days=365,
            admin="content.admin.pages.PageAdmin",
            serializer="content.serializers.entries.PageSerializer",
            create_serializer="content.serializers.entries.PageCreateSerializer",
            update_serializer="content.serializers.entries.PageUpdateSerializer",
            filterset="content.filters.PageFilter",
            viewset="content.views.pages.PageTreeViewSet",
        )
    )
