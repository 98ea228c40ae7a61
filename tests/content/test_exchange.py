"""export_content / import_content: a round trip into an emptied database reproduces the
content, re-importing is harmless, and malformed files fail cleanly with a line number."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from content import services
from content.models import (
    Article,
    Category,
    DeliverySnapshot,
    Entry,
    Locale,
    MediaAsset,
    Page,
    Redirect,
    Reference,
    Revision,
    SnapshotFacet,
    Tag,
    TypeDefinition,
)
from content.runtime import registry
from content.services.redirects import redirect_create
from governance.workflows.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    """The demo site (every status, two locales, a page tree, media, the person and event
    types with their entries), plus redirects."""
    call_command("seed_demo", "--articles", "45", stdout=StringIO())
    en = Locale.objects.get(code="en")
    redirect_create(actor=None, data={"old_path": "/old/", "new_path": "/about/", "locale": en})
    # A published slug change leaves an automatic redirect to its target.
    article = Article.objects.filter(locale=en, status="published").first()
    services.entry_update(entry=article, actor=None, data={"slug": "renamed"})
    services.entry_publish(entry=article, actor=None)
    assert Redirect.objects.filter(is_auto=True).exists()
    return en


def _ms(value):
    return value.replace(microsecond=value.microsecond // 1000 * 1000) if value else None


def _fingerprint() -> dict:
    """Everything a reader or editor would notice, keyed by natural keys, never ids."""
    media = dict(MediaAsset.objects.values_list("pk", "sha256"))
    categories = dict(Category.objects.values_list("pk", "slug"))
    tags = dict(Tag.objects.values_list("pk", "slug"))

    def body(blocks):
        return [
            {**b, "value": {**b["value"], "image": media[b["value"]["image"]]}}
            if b["type"] == "image"
            else b
            for b in blocks
        ]

    entries = {}
    for model in (Page, Article):
        for e in model.objects.select_related("locale", "live_revision", "owner"):
            row = {
                "title": e.title,
                "slug": e.slug,
                "status": e.status,
                "body": body(e.body),
                "owner": e.owner.email if e.owner else None,
                "live_title": e.live_revision.snapshot["title"] if e.live_revision else None,
                "first_published_at": _ms(e.first_published_at),
                "publish_at": _ms(e.publish_at),
            }
            if model is Article:
                row |= {
                    "category": categories.get(e.category_id),
                    "tags": sorted(tags[t] for t in e.tags.values_list("pk", flat=True)),
                    "cover": media.get(e.cover_image_id),
                    "summary": e.summary,
                    "published_date": e.published_date,
                }
            else:
                row |= {"url_path": e.url_path, "sort_order": e.sort_order}
            entries[(model._meta.model_name, e.locale.code, str(e.translation_key))] = row
    snapshots = {}
    for s in DeliverySnapshot.objects.prefetch_related("facets"):
        snapshots[(s.kind, s.locale, str(s.translation_key))] = (
            s.title,
            s.slug,
            s.url_path,
            s.category_slug,
            _ms(s.published_at),
            sorted((f.name, f.value) for f in s.facets.all() if f.name == "tag"),
        )
    return {
        "locales": set(Locale.objects.values_list("code", "name", "is_default")),
        "categories": {
            (c.locale.code, c.slug, c.name, c.parent.slug if c.parent else None)
            for c in Category.objects.select_related("locale", "parent")
        },
        "tags": set(Tag.objects.values_list("locale__code", "slug", "name")),
        "media": set(MediaAsset.objects.values_list("sha256", "title", "alt_text", "width")),
        "entries": entries,
        "snapshots": snapshots,
        "redirects": set(
            Redirect.objects.values_list("locale__code", "old_path", "new_path", "is_auto")
        ),
    }


def _empty_content() -> None:
    """What a fresh database holds: no content, only the default locale (and the users)."""
    Submission.objects.all().delete()
    for model in (SnapshotFacet, DeliverySnapshot, Reference, Redirect):
        model.objects.all().delete()
    Article.objects.all().delete()
    for page in Page.objects.order_by("-depth"):
        page.delete()
    # The types defined as data and their entries (types the import recreates).
    Entry.objects.all().delete()
    TypeDefinition.objects.all().delete()
    registry.load()
    Revision.objects.all().delete()
    for model in (Tag, MediaAsset):
        model.objects.all().delete()
    while Category.objects.exists():  # leaves first: parents are protected
        Category.objects.filter(children__isnull=True).delete()
    Locale.objects.exclude(code="en").delete()


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "content.jsonl"
    call_command("export_content", "--output", str(path), stdout=StringIO())
    return path


def test_round_trip_into_an_empty_database_reproduces_the_content(site, tmp_path):
    before = _fingerprint()
    assert before["snapshots"]
    assert before["redirects"]
    path = _export(tmp_path)
    _empty_content()
    assert not Article.objects.exists()
    assert not MediaAsset.objects.exists()

    out = StringIO()
    call_command("import_content", str(path), stdout=out)

    assert "Imported" in out.getvalue()
    after = _fingerprint()
    for part in before:
        assert after[part] == before[part], part


def test_export_to_standard_output_is_pure_jsonl(site, capsys):
    call_command("export_content")
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    types = [r["type"] for r in records]
    # The content types defined as data first (the demo's person and event), then locales.
    assert types[:3] == ["content_type", "content_type", "locale"]
    assert {"category", "tag", "media", "page", "article", "redirect"} <= set(types)
    # Natural keys only: media by digest, categories by slug, no database ids.
    article = next(r for r in records if r["type"] == "article" and r["latest"].get("category"))
    assert isinstance(article["latest"]["category"], str)
    assert "id" not in article
    assert "Exported" in captured.err


def test_importing_twice_changes_nothing(site, tmp_path):
    path = _export(tmp_path)
    counts = (Article.objects.count(), Page.objects.count(), Revision.objects.count())
    out = StringIO()
    call_command("import_content", str(path), stdout=out)
    assert "Imported nothing" in out.getvalue()
    assert "Skipped" in out.getvalue()
    assert (Article.objects.count(), Page.objects.count(), Revision.objects.count()) == counts


def _lines(*records) -> list[str]:
    return [r if isinstance(r, str) else json.dumps(r) for r in records]


LOCALE = {"type": "locale", "code": "en", "name": "English", "is_default": True}
TAG = {"type": "tag", "locale": "en", "slug": "x", "name": "X"}
ARTICLE = {
    "type": "article",
    "locale": "en",
    "translation_key": "2f1e0b7e-1111-4a4a-9a9a-123456789abc",
    "status": "draft",
    "latest": {"title": "Hi", "slug": "hi", "body": [], "category": "nope", "tags": []},
    "live": None,
}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (_lines(LOCALE, "{not json"), "Line 2: not valid JSON"),
        (_lines(LOCALE, "[1, 2]"), "Line 2: each line must be a JSON object"),
        (_lines(LOCALE, {"type": "spaceship"}), "Line 2: unknown type 'spaceship'"),
        (_lines(LOCALE, {"type": "tag", "locale": "en"}), "Line 2: malformed tag record"),
        (_lines({"type": "tag", "locale": "xx", "slug": "a", "name": "A"}), "Line 1: tag: locale"),
        (
            _lines(LOCALE, {"type": "media", "sha256": "00", "data": "aGVsbG8="}),
            "Line 2: malformed media record: `data` does not match its sha256",
        ),
        (_lines(LOCALE, TAG, ARTICLE), "Line 3: article: category 'nope'"),
        (
            _lines(LOCALE, {**ARTICLE, "latest": {"title": "", "body": []}}),
            "Line 2: article refused: title",
        ),
    ],
)
def test_malformed_lines_fail_with_their_number_and_import_nothing(tmp_path, lines, message):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError) as exc:
        call_command("import_content", str(path))
    assert message in str(exc.value)
    assert "Nothing was imported" in str(exc.value)
    assert not Tag.objects.exists()


def test_missing_file_is_a_clean_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_content", str(tmp_path / "missing.jsonl"))


def test_import_keeps_owners_by_email(site, tmp_path):
    path = _export(tmp_path)
    _empty_content()
    call_command("import_content", str(path), stdout=StringIO())
    author = User.objects.get(email="author@folio.local")
    assert Article.objects.filter(owner=author).exists()


def _body_links() -> set[tuple[str, str, str, str]]:
    """(source type, source title, target type, target title) of every body link reference."""
    titles = {
        (model._meta.model_name, pk): title
        for model in (Page, Article)
        for pk, title in model.objects.values_list("pk", "title")
    }
    return {
        (
            ref.source_content_type.model,
            titles[(ref.source_content_type.model, ref.source_object_id)],
            ref.target_content_type.model,
            titles[(ref.target_content_type.model, ref.target_object_id)],
        )
        for ref in Reference.objects.filter(field="body_link").select_related(
            "source_content_type", "target_content_type"
        )
    }


def test_links_between_items_survive_the_round_trip_in_both_directions(tmp_path):
    def links(href: str) -> list[dict]:
        return [{"type": "paragraph", "value": {"text": f'<a href="{href}">see</a>'}}]

    services.entry_create(model=Page, actor=None, data={"title": "About"})
    story = services.entry_create(
        model=Article, actor=None, data={"title": "Story", "body": links("/about/")}
    )
    services.entry_create(model=Page, actor=None, data={"title": "Press", "body": links("/x/")})
    # Written after the story existed, so its link resolved; one export order must put
    # one of the two after the item it links to, and the import links them at the end.
    press = Page.objects.get(title="Press")
    services.entry_update(entry=press, actor=None, data={"body": links(f"/articles/{story.slug}/")})
    before = _body_links()
    assert before == {("article", "Story", "page", "About"), ("page", "Press", "article", "Story")}
    path = _export(tmp_path)
    _empty_content()
    call_command("import_content", str(path), stdout=StringIO())
    assert _body_links() == before
