"""Seed N published articles for the benchmark, in bulk.

Each article has a category, 3 tags, a cover image, 2 authors and a body of about
1,500 words, with a live revision like the services would write. Rows go in with
bulk_create in batches, then `snapshots_rebuild_all` builds the read model through
the same code path publishing uses.
"""

from __future__ import annotations

import hashlib
import io
import random
import time
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import User
from content.delivery.services import snapshots_rebuild_all
from content.models import Article, Category, MediaAsset, Revision, Status, Tag
from content.services import locale_default
from content.services.revisions import entry_snapshot

WORDS = (
    "content",
    "governance",
    "publish",
    "review",
    "editor",
    "article",
    "page",
    "delivery",
    "cache",
    "search",
    "frontend",
    "workflow",
    "policy",
    "audit",
    "revision",
    "schedule",
    "media",
    "image",
    "category",
    "tag",
    "author",
    "reader",
    "story",
    "news",
    "report",
    "garden",
    "travel",
    "science",
    "music",
    "design",
    "code",
    "market",
    "city",
)


def _body(rng: random.Random, words: int = 1500) -> list[dict]:
    blocks, written = [], 0
    while written < words:
        n = rng.randint(60, 120)
        text = " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."
        blocks.append({"type": "paragraph", "value": {"text": text}})
        if len(blocks) % 5 == 0:
            blocks.append(
                {"type": "heading", "value": {"text": rng.choice(WORDS).title(), "level": 2}}
            )
        written += n
    return blocks


def _images(count: int) -> list[MediaAsset]:
    assets = []
    for i in range(count):
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (i * 5 % 256, 120, 200)).save(out, format="PNG")
        data = out.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        asset = MediaAsset.objects.filter(sha256=digest).first()
        if asset is None:
            asset = MediaAsset(
                kind="image",
                title=f"Cover {i}",
                alt_text=f"Cover {i}",
                width=64,
                height=48,
                size=len(data),
                sha256=digest,
                mime_type="image/png",
            )
            asset.file.save(f"bench-{i}.png", ContentFile(data), save=False)
            asset.save()
        assets.append(asset)
    return assets


def seed(total: int, *, batch: int = 1000, log=print) -> None:
    rng = random.Random(42)
    locale = locale_default()
    started = time.monotonic()
    categories = [
        Category.objects.get_or_create(
            locale=locale, slug=f"cat-{i}", defaults={"name": f"Category {i}"}
        )[0]
        for i in range(10)
    ]
    tags = [
        Tag.objects.get_or_create(locale=locale, slug=f"tag-{i}", defaults={"name": f"Tag {i}"})[0]
        for i in range(30)
    ]
    authors = [
        User.objects.get_or_create(
            email=f"author{i}@bench.local", defaults={"full_name": f"Author {i}"}
        )[0]
        for i in range(20)
    ]
    images = _images(20)
    article_type = ContentType.objects.get_for_model(Article)
    existing = Article.objects.filter(slug__startswith="bench-").count()
    now = timezone.now()
    through_tags, through_authors = Article.tags.through, Article.authors.through
    for start in range(existing, total, batch):
        with transaction.atomic():
            rows = []
            for n in range(start, min(start + batch, total)):
                published = now - timedelta(minutes=n)
                rows.append(
                    Article(
                        title=f"Bench article {n} {rng.choice(WORDS)} {rng.choice(WORDS)}",
                        slug=f"bench-{n}",
                        locale=locale,
                        status=Status.PUBLISHED,
                        summary=" ".join(rng.choice(WORDS) for _ in range(30)),
                        category=rng.choice(categories),
                        cover_image=rng.choice(images),
                        body=_body(rng),
                        first_published_at=published,
                        last_published_at=published,
                        published_date=published.date(),
                        has_unpublished_changes=False,
                    )
                )
            Article.objects.bulk_create(rows, batch_size=500)
            created = list(Article.objects.filter(slug__in=[r.slug for r in rows]))
            through_tags.objects.bulk_create(
                through_tags(article_id=a.pk, tag_id=t.pk)
                for a in created
                for t in rng.sample(tags, 3)
            )
            through_authors.objects.bulk_create(
                through_authors(article_id=a.pk, user_id=u.pk)
                for a in created
                for u in rng.sample(authors, 2)
            )
            revisions = Revision.objects.bulk_create(
                Revision(
                    content_type=article_type,
                    object_id=a.pk,
                    number=1,
                    snapshot=entry_snapshot(a),
                    message="bench seed",
                )
                for a in Article.objects.filter(pk__in=[a.pk for a in created])
                .prefetch_related("tags", "authors")
                .select_related("locale")
            )
            by_article = {
                r.object_id: r.pk
                for r in Revision.objects.filter(
                    content_type=article_type, object_id__in=[a.pk for a in created]
                )
            }
            for a in created:
                a.live_revision_id = a.latest_revision_id = by_article[a.pk]
            Article.objects.bulk_update(
                created, ["live_revision", "latest_revision"], batch_size=500
            )
            del revisions
        log(
            f"  seeded {min(start + batch, total)}/{total} articles "
            f"({time.monotonic() - started:.0f}s)"
        )
    log("  building the delivery read model…")
    snapshots_rebuild_all(batch_size=500)
    log(f"  done in {time.monotonic() - started:.0f}s")
