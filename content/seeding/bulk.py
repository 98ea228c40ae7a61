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

import multiprocessing
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections, transaction
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
    """What a bulk run wrote: articles, and rows in every table (snapshots and facets too),
    and how many processes wrote them."""

    articles: int = 0
    rows: int = 0
    workers: int = 1


def bulk_count(*, locale: Locale, slug_prefix: str) -> int:
    """How many articles earlier runs with this prefix already wrote (for resuming)."""
    return Article.objects.filter(locale=locale, slug__startswith=slug_prefix).count()


def articles_bulk_create(
    *,
    fixtures: BulkFixtures,
    total: int,
    slug_prefix: str,
    batch_size: int = 5000,
    paragraphs: int = 3,
    words: tuple[int, int] = (40, 80),
    workers: int = 1,
    progress: Progress | None = None,
) -> BulkResult:
    """Top up to `total` published articles, numbered 0 to total - 1 after `slug_prefix`.

    Resumable: every batch commits whole (read model included), and a rerun writes only
    the numbers missing, whichever batches an interrupted run finished. On PostgreSQL,
    `workers` processes write batches side by side.
    """
    have, missing = _missing_numbers(fixtures.locale, slug_prefix, total)
    job = _BatchJob(fixtures, slug_prefix, paragraphs, words, timezone.now())
    batches = [missing[i : i + batch_size] for i in range(0, len(missing), batch_size)]
    result = BulkResult(workers=_usable_workers(workers, len(batches)))
    for done in _run(job, batches, result.workers):
        result.articles += done.articles
        result.rows += done.rows
        if progress:
            progress(have + result.articles, total)
    if connection.vendor == "postgresql" and result.articles:
        # Fresh statistics now, not when autovacuum gets round to it: without them the
        # planner misjudges how many items a search term matches and picks the wrong index.
        with connection.cursor() as cursor:
            for model in (Article, Revision, Reference, DeliverySnapshot, SnapshotFacet):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return result


def _missing_numbers(locale: Locale, slug_prefix: str, total: int) -> tuple[int, list[int]]:
    """How many of the `total` numbered articles exist, and the numbers still to write."""
    slugs = Article.objects.filter(locale=locale, slug__startswith=slug_prefix).values_list(
        "slug", flat=True
    )
    start = len(slug_prefix)
    heads = (slug[start:].partition("-")[0] for slug in slugs.iterator(chunk_size=20_000))
    have = {n for n in map(int, filter(str.isdigit, heads)) if n < total}
    return len(have), [n for n in range(total) if n not in have]


@dataclass(frozen=True)
class _BatchJob:
    """Writes one batch in one transaction; picklable, so a worker process can run it."""

    fixtures: BulkFixtures
    slug_prefix: str
    paragraphs: int
    words: tuple[int, int]
    now: Any

    def __call__(self, numbers: list[int]) -> BulkResult:
        # Seeded per batch, so a resumed run writes what an uninterrupted one would have.
        rng = random.Random(f"{self.slug_prefix}{numbers[0]}")  # noqa: S311 - sample text
        pool = Pool(rng, words=self.words)
        article_type = ContentType.objects.get_for_model(Article)
        with transaction.atomic():
            batch = _build(self, numbers, pool)
            if connection.vendor == "postgresql":
                _write_copy(batch, article_type)
            else:
                _write_orm(batch, article_type)
            snapshots_sync(batch.articles, announce=False)  # seeding: nobody listens yet
        # Article, revision and snapshot, the links and references, a facet per link.
        links = len(batch.tags) + len(batch.authors)
        rows = 3 * len(batch.articles) + 2 * links + len(batch.references)
        return BulkResult(articles=len(batch.articles), rows=rows)


def _usable_workers(workers: int, batches: int) -> int:
    """How many processes can write side by side: several only on PostgreSQL (SQLite
    takes one writer at a time), outside a transaction (the workers could not see its
    rows), and where fork exists."""
    if (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and "fork" in multiprocessing.get_all_start_methods()
    ):
        return max(1, min(workers, batches))
    return 1


def _run(job: _BatchJob, batches: list[list[int]], workers: int) -> Iterator[BulkResult]:
    """Run the batches here, or in `workers` forked processes."""
    if workers == 1:
        yield from map(job, batches)
        return
    # Each worker opens its own connections: a socket must not be shared across a fork,
    # nor a connection pool, whose threads do not survive one.
    for conn in connections.all():
        conn.close()
        if hasattr(conn, "close_pool"):
            conn.close_pool()
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        yield from pool.map(job, batches)
    finally:
        pool.shutdown(cancel_futures=True)


def _build(job: _BatchJob, numbers: Iterable[int], pool: Pool) -> _Batch:
    fixtures, rng = job.fixtures, pool.rng
    image_ids = [image.pk for image in fixtures.images]
    batch = _Batch([], [], [], [], [], [], [])
    slugs: dict[str, str] = {}
    for n in numbers:
        # Newest first in listings, one minute apart, like a site with a long history.
        published = job.now - timedelta(minutes=n)
        title = pool.title()
        if title not in slugs:  # pooled titles repeat; slugify is slow enough to matter
            slugs[title] = slugify(title)[:60]
        article = Article(
            title=title,
            slug=f"{job.slug_prefix}{n}-{slugs[title]}",
            locale=fixtures.locale,
            owner=fixtures.owner,
            status=Status.PUBLISHED,
            summary=pool.summary(),
            category=rng.choice(fixtures.categories) if fixtures.categories else None,
            cover_image=rng.choice(fixtures.images) if fixtures.images else None,
            body=pool.body(paragraphs=job.paragraphs, image_ids=image_ids),
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
