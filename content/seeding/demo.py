"""Demo content for a fresh site, written through the services as editors would.

Everything here goes through entry_create / entry_publish / media_upload /
taxonomy_create with the demo users as actors, so revisions, references, audit events
and delivery snapshots are the real thing. The bulk of the ~200 articles then comes
from the bulk seeder (content.seeding.bulk), which is what makes 1,000,000 possible.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from content import services
from content.models import Article, Category, Entry, Locale, MediaAsset, Page, Tag
from content.seeding import text
from content.seeding.bulk import BulkFixtures
from content.seeding.images import demo_png
from content.services.entries import locale_default
from content.services.taxonomy import taxonomy_create

BULK_PREFIX = "seeded-"
IMAGE_COUNT = 10
# (slug, name, parent slug) per locale; parents come first.
CATEGORIES = {
    "en": [
        ("news", "News", None),
        ("tech", "Tech", "news"),
        ("culture", "Culture", "news"),
        ("science", "Science", "news"),
        ("guides", "Guides", None),
        ("how-to", "How-to", "guides"),
        ("company", "Company", None),
    ],
    "fr": [
        ("actualites", "Actualités", None),
        ("technologie", "Technologie", "actualites"),
        ("guides", "Guides", None),
    ],
}
TAGS = {
    "en": [
        "Accessibility",
        "AI",
        "Cities",
        "Climate",
        "Design",
        "Open data",
        "Music",
        "Privacy",
        "Python",
        "Release",
        "Travel",
        "Workflow",
    ],
    "fr": ["Accessibilité", "Climat", "Design", "Données ouvertes", "Voyage"],
}
# (key, title, parent key, published); French pages share the English translation key.
PAGES = {
    "en": [
        ("about", "About", None, True),
        ("team", "Team", "about", True),
        ("jobs", "Jobs", "about", True),
        ("contact", "Contact", None, True),
        ("privacy", "Privacy", None, False),
    ],
    "fr": [
        ("about", "À propos", None, True),
        ("team", "Équipe", "about", True),
        ("contact", "Contact", None, True),
    ],
}
# How many hand-made articles end in each state; the rest of the demo is bulk-seeded.
PUBLISHED = 16
EDITED = 2  # published, then edited without publishing again
DRAFTS = 4
IN_REVIEW = 2
APPROVED = 1
SCHEDULED = 2
ARCHIVED = 1
FRENCH = 6  # translations of published English articles
LEGALESE = 1  # published, and hard to read: the demo's readability policy warns about it
HAND_MADE = (
    PUBLISHED + EDITED + DRAFTS + IN_REVIEW + APPROVED + SCHEDULED + ARCHIVED + FRENCH + LEGALESE
)
LEGALESE_TITLE = "Editorial responsibilities, the unabridged statement"
# Long sentences of long words: a Flesch reading ease far below zero.
LEGALESE_PARAGRAPHS = (
    "Notwithstanding any interpretation previously communicated by individual "
    "representatives of the organisation, the editorial responsibilities enumerated "
    "hereinafter apply, without limitation and irrespective of jurisdictional "
    "considerations, to every contributor, administrator and institutional collaborator "
    "participating, directly or indirectly, in the preparation, modification, "
    "authorisation or dissemination of publications.",
    "Contributors acknowledge that compliance with the organisational documentation "
    "requirements, including but not limited to the comprehensive attribution of "
    "collaborative contributions, the verification of bibliographical references and the "
    "identification of potentially controversial characterisations, constitutes an "
    "indispensable precondition of publication, the satisfaction of which remains the "
    "responsibility of the originating contributor.",
    "Any modification subsequently introduced into an authorised publication necessitates "
    "renewed authorisation in accordance with the procedural specifications established by "
    "the editorial administration, unless the modification is exclusively typographical, "
    "in which circumstance the administration may, at its discretion, retrospectively "
    "ratify the modification.",
)


@dataclass(frozen=True)
class Cast:
    """The demo users who act: Authors write, Editors publish, Reviewers review."""

    admin: Any
    editor: Any
    author: Any
    reviewer: Any


@dataclass
class Demo:
    locales: dict[str, Locale] = field(default_factory=dict)
    categories: dict[str, dict[str, Category]] = field(default_factory=dict)
    tags: dict[str, list[Tag]] = field(default_factory=dict)
    images: list[MediaAsset] = field(default_factory=list)


def content_exists() -> bool:
    """Any page, article or entry of a runtime type at all: the demo never mixes itself
    into a real site."""
    return Article.objects.exists() or Page.objects.exists() or Entry.objects.exists()


@transaction.atomic
def demo_content_create(*, cast: Cast, log: Callable[[str], None] = print) -> Demo:
    """Locales, taxonomy, images, a page tree and hand-made articles in every state."""
    rng = random.Random(2024)  # noqa: S311 - sample text, not secrets
    demo = Demo()
    _locales(demo, cast)
    _taxonomy(demo, cast)
    _images(demo, cast)
    log(f"  {len(demo.images)} images, {sum(len(c) for c in demo.categories.values())} categories")
    _pages(demo, cast, rng)
    _articles(demo, cast, rng)
    log(f"  {Page.objects.count()} pages, {Article.objects.count()} hand-made articles")
    return demo


def demo_fixtures(*, cast: Cast) -> BulkFixtures:
    """What bulk-seeded demo articles use: the English taxonomy, images and writers."""
    locale = locale_default()
    return BulkFixtures(
        locale=locale,
        categories=list(Category.objects.filter(locale=locale)),
        tags=list(Tag.objects.filter(locale=locale)),
        authors=[cast.author, cast.editor],
        images=list(MediaAsset.objects.filter(kind="image").order_by("pk")[:IMAGE_COUNT]),
        owner=cast.editor,
        tags_per_article=2,
        authors_per_article=1,
    )


def _locales(demo: Demo, cast: Cast) -> None:
    demo.locales["en"] = locale_default()
    fr = Locale.objects.filter(code="fr").first()
    demo.locales["fr"] = fr or taxonomy_create(
        model=Locale, actor=cast.admin, data={"code": "fr", "name": "Français"}
    )


def _taxonomy(demo: Demo, cast: Cast) -> None:
    for code, rows in CATEGORIES.items():
        made = demo.categories.setdefault(code, {})
        for slug, name, parent in rows:
            made[slug] = taxonomy_create(
                model=Category,
                actor=cast.editor,
                data={
                    "name": name,
                    "slug": slug,
                    "locale": demo.locales[code],
                    "parent": made.get(parent),
                },
            )
    for code, names in TAGS.items():
        demo.tags[code] = [
            taxonomy_create(
                model=Tag, actor=cast.editor, data={"name": name, "locale": demo.locales[code]}
            )
            for name in names
        ]


def _images(demo: Demo, cast: Cast) -> None:
    for i in range(IMAGE_COUNT):
        upload = SimpleUploadedFile(f"demo-{i + 1}.png", demo_png(i, "Folio demo"))
        asset, _created = services.media_upload(
            actor=cast.editor,
            file=upload,
            data={
                "title": f"Demo picture {i + 1}",
                "alt_text": f"Abstract shapes on a colour gradient, picture {i + 1}",
                "credit": "Folio demo",
            },
        )
        demo.images.append(asset)


def _body(rng: random.Random, demo: Demo, paragraphs: int = 4) -> list[dict]:
    return text.body(rng, paragraphs=paragraphs, image_ids=[i.pk for i in demo.images])


def _pages(demo: Demo, cast: Cast, rng: random.Random) -> None:
    keys: dict[str, Any] = {}
    for code, rows in PAGES.items():
        made: dict[str, Page] = {}
        for key, title, parent, published in rows:
            data: dict[str, Any] = {
                "title": title,
                "locale": demo.locales[code].pk,
                "body": _body(rng, demo, paragraphs=2),
                "parent": made[parent].pk if parent else None,
            }
            if key in keys:
                data["translation_key"] = str(keys[key])
            page = services.entry_create(model=Page, actor=cast.editor, data=data)
            keys.setdefault(key, page.translation_key)
            if published:
                page = through_review(page, cast, submitter=cast.editor)
            made[key] = page


def _article(demo: Demo, rng: random.Random, actor: Any, code: str = "en", **extra: Any):
    categories = list(demo.categories[code].values())
    data = {
        "title": text.title(rng),
        "locale": demo.locales[code].pk,
        "summary": text.sentence(rng, 20),
        "body": _body(rng, demo),
        "category": rng.choice(categories).pk,
        "tags": [t.pk for t in rng.sample(demo.tags[code], 2)],
        "cover_image": rng.choice(demo.images).pk,
        **extra,
    }
    return services.entry_create(model=Article, actor=actor, data=data)


def _approve(entry: Any, cast: Cast, *, submitter: Any) -> Any:
    """Submit and approve: the "Standard review" workflow needs it before any publish."""
    entry = services.entry_submit(entry=entry, actor=submitter, message="Ready for review")
    return services.entry_approve(entry=entry, actor=cast.reviewer, message="Looks good")


def through_review(entry: Any, cast: Cast, *, submitter: Any) -> Any:
    """Authors write, reviewers approve, editors publish: the flow the admin shows."""
    entry = _approve(entry, cast, submitter=submitter)
    return services.entry_publish(entry=entry, actor=cast.editor)


def _articles(demo: Demo, cast: Cast, rng: random.Random) -> None:
    published = []
    for _ in range(PUBLISHED):
        article = _article(demo, rng, cast.author)
        published.append(through_review(article, cast, submitter=cast.author))
    for _ in range(EDITED):
        # Published, then edited: the public keeps the live version until the next publish.
        article = through_review(_article(demo, rng, cast.editor), cast, submitter=cast.editor)
        services.entry_update(
            entry=article,
            actor=cast.editor,
            data={"title": f"{article.title} (updated draft)"},
            message="Tighter headline, not yet published",
        )
        published.append(article)
    for _ in range(DRAFTS):
        _article(demo, rng, cast.author)
    for n in range(IN_REVIEW + APPROVED):
        article = services.entry_submit(
            entry=_article(demo, rng, cast.author), actor=cast.author, message="Ready for review"
        )
        if n >= IN_REVIEW:
            services.entry_approve(entry=article, actor=cast.reviewer, message="Looks good")
    for days in range(1, SCHEDULED + 1):
        # Approved first: the scheduler publishes only what the workflow approved.
        article = _approve(_article(demo, rng, cast.editor), cast, submitter=cast.editor)
        services.entry_schedule(
            entry=article, actor=cast.editor, publish_at=timezone.now() + timedelta(days=days)
        )
    for _ in range(ARCHIVED):
        article = through_review(_article(demo, rng, cast.editor), cast, submitter=cast.editor)
        services.entry_archive(entry=article, actor=cast.editor)
    for original in published[:FRENCH]:
        # French translations share the English item's translation key.
        translation = _article(
            demo, rng, cast.editor, code="fr", translation_key=str(original.translation_key)
        )
        through_review(translation, cast, submitter=cast.editor)
    for _ in range(LEGALESE):
        # Correct but hard to read: a readability policy (the demo has one, at `warn`)
        # flags it, and it is published all the same, as warnings never block.
        legalese = _article(
            demo,
            rng,
            cast.author,
            title=LEGALESE_TITLE,
            summary="The legal team's version: complete, accurate and hard going.",
            body=[
                {"type": "heading", "value": {"text": "Scope", "level": 2}},
                {"type": "paragraph", "value": {"text": LEGALESE_PARAGRAPHS[0]}},
                {
                    "type": "image",
                    "value": {"image": demo.images[0].pk, "alt": text.ALT, "caption": ""},
                },
                *({"type": "paragraph", "value": {"text": p}} for p in LEGALESE_PARAGRAPHS[1:]),
            ],
        )
        through_review(legalese, cast, submitter=cast.author)
