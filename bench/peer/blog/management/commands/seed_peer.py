"""`manage.py seed_peer N`: N live ArticlePages under the home page, written in bulk.

Each has an intro, a date, one of 10 categories, 3 of 30 tags and a StreamField body of
about 0.7 KB (a heading, two paragraphs, a quote). Rows are written as Wagtail's own page
creation would leave them (tree path, url_path, live, published dates, locale), in batches:
one `add_child` per page would take minutes for 10,000. Then the tables are analysed.
Prints the id of the middle article, the one the detail scenario reads.
"""

import json
import uuid
from datetime import UTC, date, datetime, timedelta

from blog.models import ArticlePage, ArticlePageTag, BlogCategory
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from taggit.models import Tag
from wagtail.models import Page

WORDS = [
    *("garden", "travel", "river", "morning", "city", "light", "music", "harbour", "winter"),
    *("market", "story", "coast", "history", "science", "design", "people", "street"),
    *("forest", "kitchen", "library"),
]


def _sentence(i: int, n: int) -> str:
    return " ".join(WORDS[(i * 7 + k * 3) % len(WORDS)] for k in range(n)).capitalize() + "."


def _body(i: int) -> str:
    paragraph = " ".join(_sentence(i + k, 12) for k in range(4))
    blocks = [
        {"type": "heading", "value": f"Section {i % 9 + 1}"},
        {"type": "paragraph", "value": f"<p>{paragraph}</p>"},
        {"type": "paragraph", "value": f"<p>{_sentence(i, 20)} {_sentence(i + 1, 20)}</p>"},
        {"type": "quote", "value": _sentence(i + 2, 10)},
    ]
    return json.dumps([{**block, "id": str(uuid.uuid4())} for block in blocks])


class Command(BaseCommand):
    help = "Seed N live ArticlePages in bulk (the Wagtail peer of `make bench`)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)

    def handle(self, count, **options):
        home = Page.objects.get(depth=2)
        have = ArticlePage.objects.count()
        if have < count:
            self._seed(home, have, count)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        middle = ArticlePage.objects.order_by("id").values_list("id", flat=True)[count // 2]
        self.stdout.write(f"articles {ArticlePage.objects.count()} middle {middle}")

    @transaction.atomic
    def _seed(self, home, start, count, batch=1000):
        content_type = ContentType.objects.get_for_model(ArticlePage)
        categories = [
            BlogCategory.objects.get_or_create(slug=f"cat-{i}", defaults={"name": f"Category {i}"})[
                0
            ]
            for i in range(10)
        ]
        tags = [
            Tag.objects.get_or_create(slug=f"tag-{i}", defaults={"name": f"Tag {i}"})[0]
            for i in range(30)
        ]
        table = ArticlePage._meta.db_table
        base = datetime(2024, 1, 1, tzinfo=UTC)
        for first in range(start, count, batch):
            numbers = range(first, min(first + batch, count))
            pages = Page.objects.bulk_create(
                [
                    Page(
                        title=f"Article {i}: {_sentence(i, 5)}",
                        draft_title=f"Article {i}: {_sentence(i, 5)}",
                        slug=f"article-{i}",
                        content_type=content_type,
                        path=Page._get_path(home.path, home.depth + 1, i + 1),
                        depth=home.depth + 1,
                        numchild=0,
                        url_path=f"{home.url_path}article-{i}/",
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=base + timedelta(minutes=i),
                        last_published_at=base + timedelta(minutes=i),
                        locale_id=home.locale_id,
                        translation_key=uuid.uuid4(),
                    )
                    for i in numbers
                ]
            )
            # Django cannot bulk-create a multi-table child: its own rows go in directly.
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {table} (page_ptr_id, intro, date, category_id, body) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s, %s::jsonb)",
                    [
                        (
                            page.pk,
                            _sentence(i, 25),
                            date(2024, 1, 1) + timedelta(days=i % 700),
                            categories[i % 10].pk,
                            _body(i),
                        )
                        for i, page in zip(numbers, pages, strict=True)
                    ],
                )
            ArticlePageTag.objects.bulk_create(
                ArticlePageTag(content_object_id=page.pk, tag_id=tags[(i + k * 11) % 30].pk)
                for i, page in zip(numbers, pages, strict=True)
                for k in range(3)
            )
            self.stdout.write(f"  seeded {numbers[-1] + 1}/{count}")
        Page.objects.filter(pk=home.pk).update(numchild=count)
