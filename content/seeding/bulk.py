"""Bulk seeding of published articles: the fast path behind `seed_demo --articles N`
and `bench/seed.py`.

The services write one article at a time (locks, audit, hooks), which is right for
editors and far too slow for a million rows. This path writes the same rows the
services would leave behind for a published article (the article, its tags and
authors, revision 1 as its live and latest revision, its references and its delivery
snapshot) with bulk inserts, one transaction per batch. It skips the audit log on
purpose: nobody did anything worth auditing. Bodies are generated here, so they are
clean by construction and skip the nh3 pass the services apply to untrusted input.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify

from content.delivery.services import content_version_bump, snapshots_sync
from content.models import Article, Category, Locale, MediaAsset, Reference, Revision, Status, Tag
from content.seeding import text
from content.services.references import _targets as reference_targets
from content.services.revisions import entry_snapshot

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BulkFixtures:
    """What seeded articles point at; all in `locale` (taxonomy must match the item's)."""

    locale: Locale
    categories: Sequence[Category]
    tags: Sequence[Tag]
    authors: Sequence[Any]
    images: Sequence[MediaAsset]
    owner: Any = None
    tags_per_article: int = 3
    authors_per_article: int = 2


def bulk_count(*, locale: Locale, slug_prefix: str) -> int:
    """How many articles an earlier run with this prefix already wrote (for resuming)."""
    return Article.objects.filter(locale=locale, slug__startswith=slug_prefix).count()


def articles_bulk_create(
    *,
    fixtures: BulkFixtures,
    total: int,
    slug_prefix: str,
    batch_size: int = 2000,
    paragraphs: int = 3,
    words: tuple[int, int] = (40, 80),
    progress: Progress | None = None,
) -> int:
    """Top up to `total` published articles whose slug starts with `slug_prefix`.

    Resumable: an interrupted run keeps its committed batches and the next run carries
    on from there. Returns how many articles this call created.
    """
    start = bulk_count(locale=fixtures.locale, slug_prefix=slug_prefix)
    now = timezone.now()
    for first in range(start, total, batch_size):
        last = min(first + batch_size, total)
        # Seeded per batch, so a resumed run writes what an uninterrupted one would have.
        rng = random.Random(f"{slug_prefix}{first}")  # noqa: S311 - sample text, not secrets
        with transaction.atomic():
            _batch(fixtures, range(first, last), slug_prefix, rng, now, paragraphs, words)
        if progress:
            progress(last, total)
    if total > start:
        content_version_bump()
    return max(total - start, 0)


def _batch(
    fixtures: BulkFixtures,
    numbers: range,
    slug_prefix: str,
    rng: random.Random,
    now: Any,
    paragraphs: int,
    words: tuple[int, int],
) -> None:
    image_ids = [image.pk for image in fixtures.images]
    articles, snapshots, tag_ids, author_ids = [], [], [], []
    for n in numbers:
        # Newest first in listings, one minute apart, like a site with a long history.
        published = now - timedelta(minutes=n)
        title = text.title(rng)
        article = Article(
            title=title,
            slug=f"{slug_prefix}{n}-{slugify(title)[:60]}",
            locale=fixtures.locale,
            owner=fixtures.owner,
            status=Status.PUBLISHED,
            summary=text.sentence(rng, 24),
            category=rng.choice(fixtures.categories) if fixtures.categories else None,
            cover_image=rng.choice(fixtures.images) if fixtures.images else None,
            body=text.body(rng, paragraphs=paragraphs, words=words, image_ids=image_ids),
            first_published_at=published,
            last_published_at=published,
            published_date=published.date(),
            has_unpublished_changes=False,
        )
        tags = sorted(t.pk for t in _sample(rng, fixtures.tags, fixtures.tags_per_article))
        authors = sorted(u.pk for u in _sample(rng, fixtures.authors, fixtures.authors_per_article))
        # The snapshot of the unsaved row: what revision_create would store (m2m added below).
        snapshot = entry_snapshot(article)
        snapshot["tags"], snapshot["authors"] = tags, authors
        articles.append(article)
        snapshots.append(snapshot)
        tag_ids.append(tags)
        author_ids.append(authors)
    _insert(articles)
    tag_through, author_through = Article.tags.through, Article.authors.through
    tag_through.objects.bulk_create(
        tag_through(article_id=a.pk, tag_id=t)
        for a, ts in zip(articles, tag_ids, strict=True)
        for t in ts
    )
    author_through.objects.bulk_create(
        author_through(article_id=a.pk, user_id=u)
        for a, us in zip(articles, author_ids, strict=True)
        for u in us
    )
    article_type = ContentType.objects.get_for_model(Article)
    revisions = Revision.objects.bulk_create(
        Revision(
            content_type=article_type,
            object_id=a.pk,
            number=1,
            snapshot=snap,
            author=fixtures.owner,
            message="Seeded",
        )
        for a, snap in zip(articles, snapshots, strict=True)
    )
    _link_revisions(articles, revisions, article_type)
    _references(articles, snapshots, article_type)
    snapshots_sync(articles)


def _sample(rng: random.Random, population: Sequence[Any], k: int) -> list[Any]:
    return rng.sample(list(population), min(k, len(population)))


def _insert(articles: list[Article]) -> None:
    Article.objects.bulk_create(articles)
    if not connection.features.can_return_rows_from_bulk_insert:
        # Old SQLite without RETURNING: read the keys back by the (unique) slugs.
        ids = dict(
            Article.objects.filter(
                locale=articles[0].locale, slug__in=[a.slug for a in articles]
            ).values_list("slug", "pk")
        )
        for article in articles:
            article.pk = ids[article.slug]


def _link_revisions(
    articles: list[Article], revisions: list[Revision], article_type: ContentType
) -> None:
    """Point live and latest at revision 1: one UPDATE per batch instead of one per row."""
    first = Revision.objects.filter(
        content_type=article_type, object_id=OuterRef("pk"), number=1
    ).values("pk")[:1]
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        live_revision_id=Subquery(first), latest_revision_id=Subquery(first)
    )
    by_article = {r.object_id: r.pk for r in revisions if r.pk}
    if len(by_article) != len(articles):
        by_article = dict(
            Revision.objects.filter(
                content_type=article_type, object_id__in=[a.pk for a in articles], number=1
            ).values_list("object_id", "pk")
        )
    for article in articles:
        article.live_revision_id = article.latest_revision_id = by_article[article.pk]


def _references(
    articles: list[Article], snapshots: list[dict[str, Any]], article_type: ContentType
) -> None:
    """The rows references_rebuild would write, from the same target rules."""
    types: dict[type, ContentType] = {}
    rows = []
    for article, snapshot in zip(articles, snapshots, strict=True):
        for model, pk, field in reference_targets(snapshot):
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model)
            rows.append(
                Reference(
                    source_content_type=article_type,
                    source_object_id=article.pk,
                    target_content_type=types[model],
                    target_object_id=pk,
                    field=field,
                )
            )
    Reference.objects.bulk_create(rows)
