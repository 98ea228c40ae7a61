"""Bulk seeding of published articles: the fast path behind `seed_demo --articles N`
and `bench/seed.py`.

The services write one article at a time (locks, audit, hooks), which is right for
editors and far too slow for a million rows. This path writes the rows the services
would leave behind for a published article (the article, its tags and authors,
revision 1 as its live and latest revision, its references, and its delivery snapshot
and facets) with bulk inserts, one transaction per batch. On PostgreSQL it reserves
primary keys from the sequences and streams rows with COPY; elsewhere it uses
bulk_create. Snapshots are written by the delivery service's own bulk writer
(snapshots_sync), from the revisions as read back, so they are what publishing writes.

It skips the audit log on purpose: nobody did anything worth auditing. Bodies are
generated here, so they are clean by construction and skip the nh3 pass the services
apply to untrusted input.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from content.delivery.services import snapshots_sync
from content.models import (
    Article,
    Category,
    DeliverySnapshot,
    Locale,
    MediaAsset,
    Reference,
    Revision,
    SnapshotFacet,
    Status,
    Tag,
)
from content.pgcopy import copy_instances, copy_rows, reserve_ids
from content.seeding.text import Pool
from content.services.references import reference_targets
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


@dataclass
class _Batch:
    """One transaction's rows. Link rows are plain tuples: instances would cost more
    than the insert itself, and COPY takes tuples as they are."""

    articles: list[Article]
    revisions: list[Revision]
    tag_ids: list[list[int]]
    author_ids: list[list[int]]
    # (article_id, tag_id), (article_id, user_id) and the Reference columns, by _link.
    tags: list[tuple[int, int]]
    authors: list[tuple[int, int]]
    references: list[tuple[int, int, int, int, str]]


@dataclass
class BulkResult:
    """What a bulk run wrote: articles, and rows in every table (snapshots and facets too)."""

    articles: int = 0
    rows: int = 0


def bulk_count(*, locale: Locale, slug_prefix: str) -> int:
    """How many articles an earlier run with this prefix already wrote (for resuming)."""
    return Article.objects.filter(locale=locale, slug__startswith=slug_prefix).count()


def articles_bulk_create(
    *,
    fixtures: BulkFixtures,
    total: int,
    slug_prefix: str,
    batch_size: int = 5000,
    paragraphs: int = 3,
    words: tuple[int, int] = (40, 80),
    progress: Progress | None = None,
) -> BulkResult:
    """Top up to `total` published articles whose slug starts with `slug_prefix`.

    Resumable: an interrupted run keeps its committed batches (each one whole, read
    model included) and the next run carries on from there.
    """
    result = BulkResult()
    start = bulk_count(locale=fixtures.locale, slug_prefix=slug_prefix)
    now = timezone.now()
    article_type = ContentType.objects.get_for_model(Article)
    for first in range(start, total, batch_size):
        last = min(first + batch_size, total)
        # Seeded per batch, so a resumed run writes what an uninterrupted one would have.
        rng = random.Random(f"{slug_prefix}{first}")  # noqa: S311 - sample text, not secrets
        pool = Pool(rng, words=words)
        with transaction.atomic():
            batch = _build(fixtures, range(first, last), slug_prefix, pool, now, paragraphs)
            if connection.vendor == "postgresql":
                _write_copy(batch, article_type)
            else:
                _write_orm(batch, article_type)
            snapshots_sync(batch.articles)
        result.articles += len(batch.articles)
        # Article, revision and snapshot, the links and references, a facet per link.
        links = len(batch.tags) + len(batch.authors)
        result.rows += 3 * len(batch.articles) + 2 * links + len(batch.references)
        if progress:
            progress(last, total)
    if connection.vendor == "postgresql" and result.articles:
        # Fresh statistics now, not when autovacuum gets round to it: without them the
        # planner misjudges how many items a search term matches and picks the wrong index.
        with connection.cursor() as cursor:
            for model in (Article, Revision, Reference, DeliverySnapshot, SnapshotFacet):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return result


def _build(
    fixtures: BulkFixtures, numbers: range, slug_prefix: str, pool: Pool, now: Any, paragraphs: int
) -> _Batch:
    rng = pool.rng
    image_ids = [image.pk for image in fixtures.images]
    batch = _Batch([], [], [], [], [], [], [])
    slugs: dict[str, str] = {}
    for n in numbers:
        # Newest first in listings, one minute apart, like a site with a long history.
        published = now - timedelta(minutes=n)
        title = pool.title()
        if title not in slugs:  # pooled titles repeat; slugify is slow enough to matter
            slugs[title] = slugify(title)[:60]
        article = Article(
            title=title,
            slug=f"{slug_prefix}{n}-{slugs[title]}",
            locale=fixtures.locale,
            owner=fixtures.owner,
            status=Status.PUBLISHED,
            summary=pool.summary(),
            category=rng.choice(fixtures.categories) if fixtures.categories else None,
            cover_image=rng.choice(fixtures.images) if fixtures.images else None,
            body=pool.body(paragraphs=paragraphs, image_ids=image_ids),
            first_published_at=published,
            last_published_at=published,
            published_date=published.date(),
            has_unpublished_changes=False,
        )
        tags = sorted(t.pk for t in _sample(rng, fixtures.tags, fixtures.tags_per_article))
        authors = sorted(u.pk for u in _sample(rng, fixtures.authors, fixtures.authors_per_article))
        # What revision_create would store: the snapshot of the row plus its m2m ids.
        snapshot = entry_snapshot(article)
        snapshot["tags"], snapshot["authors"] = tags, authors
        batch.articles.append(article)
        batch.revisions.append(
            Revision(
                number=1,
                snapshot=snapshot,
                author=fixtures.owner,
                message="Seeded",
            )
        )
        batch.tag_ids.append(tags)
        batch.author_ids.append(authors)
    return batch


def _sample(rng: random.Random, population: Sequence[Any], k: int) -> list[Any]:
    return rng.sample(list(population), min(k, len(population)))


def _link(batch: _Batch, article_type: ContentType) -> None:
    """Fill in the keys that tie the batch together, once article and revision ids exist."""
    for article, revision, tags, authors in zip(
        batch.articles, batch.revisions, batch.tag_ids, batch.author_ids, strict=True
    ):
        revision.content_type = article_type
        revision.object_id = article.pk
        article.live_revision_id = article.latest_revision_id = revision.pk
        batch.tags.extend((article.pk, t) for t in tags)
        batch.authors.extend((article.pk, u) for u in authors)
        batch.references.extend(
            # The rows references_rebuild would write, from the same target rules.
            # get_for_model is served from ContentType's own cache after the first call.
            (article_type.pk, article.pk, ContentType.objects.get_for_model(model).pk, pk, field)
            for model, pk, field in reference_targets(revision.snapshot)
        )


REFERENCE_COLUMNS = (
    "source_content_type_id",
    "source_object_id",
    "target_content_type_id",
    "target_object_id",
    "field",
)


# --- Writers ----------------------------------------------------------------------------


def _write_orm(batch: _Batch, article_type: ContentType) -> None:
    """Any database: bulk_create, then one UPDATE to point articles at their revision."""
    Article.objects.bulk_create(batch.articles)
    if any(a.pk is None for a in batch.articles):
        # Old SQLite without RETURNING: read the keys back by the (unique) slugs.
        ids = dict(
            Article.objects.filter(
                locale=batch.articles[0].locale, slug__in=[a.slug for a in batch.articles]
            ).values_list("slug", "pk")
        )
        for article in batch.articles:
            article.pk = ids[article.slug]
    for article, revision in zip(batch.articles, batch.revisions, strict=True):
        revision.content_type, revision.object_id = article_type, article.pk
    Revision.objects.bulk_create(batch.revisions)
    if any(r.pk is None for r in batch.revisions):
        ids = dict(
            Revision.objects.filter(
                content_type=article_type, object_id__in=[a.pk for a in batch.articles]
            ).values_list("object_id", "pk")
        )
        for revision in batch.revisions:
            revision.pk = ids[revision.object_id]
    _link(batch, article_type)
    Article.objects.bulk_update(batch.articles, ["live_revision", "latest_revision"])
    tag_through, author_through = Article.tags.through, Article.authors.through
    tag_through.objects.bulk_create(tag_through(article_id=a, tag_id=t) for a, t in batch.tags)
    author_through.objects.bulk_create(
        author_through(article_id=a, user_id=u) for a, u in batch.authors
    )
    Reference.objects.bulk_create(
        Reference(**dict(zip(REFERENCE_COLUMNS, row, strict=True))) for row in batch.references
    )


def _write_copy(batch: _Batch, article_type: ContentType) -> None:
    """PostgreSQL: reserve ids from the sequences, then COPY every table in one pass each."""
    for rows, model in ((batch.articles, Article), (batch.revisions, Revision)):
        for row, pk in zip(rows, reserve_ids(model, len(rows)), strict=True):
            row.pk = pk
    _link(batch, article_type)
    # Revisions first: articles point at them (Django's FKs are deferred anyway).
    for model, objs in ((Revision, batch.revisions), (Article, batch.articles)):
        copy_instances(model._meta.db_table, objs, model._meta.concrete_fields)
    copy_rows(Article.tags.through._meta.db_table, ("article_id", "tag_id"), batch.tags)
    copy_rows(Article.authors.through._meta.db_table, ("article_id", "user_id"), batch.authors)
    copy_rows(Reference._meta.db_table, REFERENCE_COLUMNS, batch.references)
