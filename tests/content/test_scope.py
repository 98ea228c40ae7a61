"""One notion of scope (content.scope): matching one entry, selecting a model's entries with
indexed lookups, the order among scopes, and the validation shared by its users."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q

from content.models import Article, Locale, Page
from content.scope import (
    ScopeNames,
    entry_section,
    scope_build,
    scope_clean,
    scope_matches,
    scope_pick,
    scope_q,
    scope_type_names,
)
from content.services.entries import locale_default
from tests.content.factories import ArticleFactory, PageFactory, make_category
from tests.eventapp.models import Event  # a registered type that lives in no section

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> SimpleNamespace:
    """Two locales; a page tree; nested categories; articles across them."""
    en = locale_default()
    fr = Locale.objects.create(code="fr", name="Français")
    news = make_category("News")
    world = make_category("World", parent=news)
    europe = make_category("Europe", parent=world)
    sport = make_category("Sport")
    monde = make_category("Monde", locale=fr)
    about = PageFactory(title="About")
    team = PageFactory(title="Team", parent=about)
    jobs = PageFactory(title="Jobs", parent=about)
    contact = PageFactory(title="Contact")
    propos = PageFactory(title="À propos", locale=fr)
    equipe = PageFactory(title="Équipe", parent=propos, locale=fr)
    return SimpleNamespace(
        en=en,
        fr=fr,
        categories=SimpleNamespace(news=news, world=world, europe=europe, sport=sport, monde=monde),
        pages=SimpleNamespace(about=about, team=team, contact=contact, propos=propos),
        entries={
            "about": about,
            "team": team,
            "jobs": jobs,
            "contact": contact,
            "propos": propos,
            "equipe": equipe,
            "in-news": ArticleFactory(title="In news", category=news.pk),
            "in-world": ArticleFactory(title="In world", category=world.pk),
            "in-europe": ArticleFactory(title="In Europe", category=europe.pk),
            "in-sport": ArticleFactory(title="In sport", category=sport.pk),
            "uncategorised": ArticleFactory(title="Loose"),
            "dans-monde": ArticleFactory(title="Dans le monde", category=monde.pk, locale=fr),
            "sans-rubrique": ArticleFactory(title="Sans rubrique", locale=fr),
        },
    )


def _covered(scope, site) -> set[str]:
    return {name for name, entry in site.entries.items() if scope_matches(scope, entry)}


def _scopes(site) -> dict[str, object]:
    c, p = site.categories, site.pages
    return {
        "everything": scope_build(),
        "articles": scope_build(types=["article"]),
        "pages": scope_build(types=["page"]),
        "both types": scope_build(types=["article", "page"]),
        "under about": scope_build(page=p.about),
        "under team": scope_build(page=p.team),
        "articles under about": scope_build(types=["article"], page=p.about),
        "news and below": scope_build(category=c.news),
        "world and below": scope_build(category=c.world),
        "sport": scope_build(category=c.sport),
        "pages in news": scope_build(types=["page"], category=c.news),
        "french": scope_build(locale=site.fr),
        "english news": scope_build(category=c.news, locale=site.en),
        "french news": scope_build(category=c.news, locale=site.fr),
        "french pages under propos": scope_build(types=["page"], page=p.propos, locale=site.fr),
    }


def test_each_part_narrows_what_a_scope_covers(site):
    scopes = _scopes(site)
    everything = set(site.entries)
    pages = {"about", "team", "jobs", "contact", "propos", "equipe"}
    assert _covered(scopes["everything"], site) == everything
    assert _covered(scopes["articles"], site) == everything - pages
    assert _covered(scopes["pages"], site) == pages
    assert _covered(scopes["both types"], site) == everything
    assert _covered(scopes["under about"], site) == {"about", "team", "jobs"}
    assert _covered(scopes["under team"], site) == {"team"}
    assert _covered(scopes["articles under about"], site) == set()
    # A category covers the categories below it, at any depth.
    assert _covered(scopes["news and below"], site) == {"in-news", "in-world", "in-europe"}
    assert _covered(scopes["world and below"], site) == {"in-world", "in-europe"}
    assert _covered(scopes["sport"], site) == {"in-sport"}
    assert _covered(scopes["pages in news"], site) == set()
    assert _covered(scopes["french"], site) == {"propos", "equipe", "dans-monde", "sans-rubrique"}
    assert _covered(scopes["english news"], site) == {"in-news", "in-world", "in-europe"}
    assert _covered(scopes["french news"], site) == set()
    assert _covered(scopes["french pages under propos"], site) == {"propos", "equipe"}


def test_scope_q_selects_exactly_the_entries_scope_matches_accepts(site):
    for label, scope in _scopes(site).items():
        for name, entry in site.entries.items():
            model = type(entry)
            selected = model.objects.filter(scope_q(scope, model)).filter(pk=entry.pk).exists()
            assert selected == scope_matches(scope, entry), (label, name)


def test_scope_q_uses_indexed_lookups_and_matching_needs_no_queries(
    site, django_assert_num_queries
):
    c = site.categories
    news = scope_build(category=c.news)
    under_about = scope_build(page=site.pages.about, locale=site.en)
    with django_assert_num_queries(0):
        assert scope_q(news, Article) == Q(
            category__in=sorted({c.news.pk, c.world.pk, c.europe.pk})
        )
        assert scope_q(under_about, Page) == Q(path__startswith=site.pages.about.path) & Q(
            locale_id=site.en.pk
        )
        # A type that cannot be in the section is ruled out without a query.
        assert scope_q(news, Page) == Q(pk__in=[])
        assert scope_q(under_about, Article) == Q(pk__in=[])
        for entry in site.entries.values():
            scope_matches(news, entry)
            scope_matches(under_about, entry)
    with django_assert_num_queries(0):
        assert list(Page.objects.filter(scope_q(news, Page))) == []
    sql = str(Article.objects.filter(scope_q(news, Article)).query)
    assert "category_id" in sql
    assert "JOIN" not in sql  # the categories below were resolved once, not joined per row


def test_a_type_in_no_section_matches_only_scopes_without_one(site):
    event = Event(locale_id=site.en.pk)
    assert entry_section(event).path is None
    assert entry_section(event).category_id is None
    assert scope_matches(scope_build(), event)
    assert scope_matches(scope_build(locale=site.en), event)
    assert not scope_matches(scope_build(locale=site.fr), event)
    assert not scope_matches(scope_build(types=["article"]), event)
    assert not scope_matches(scope_build(page=site.pages.about), event)
    assert not scope_matches(scope_build(category=site.categories.news), event)
    assert scope_q(scope_build(page=site.pages.about), Event) == Q(pk__in=[])
    assert scope_q(scope_build(locale=site.en), Event) == Q(locale_id=site.en.pk)


def test_a_snapshot_places_an_entry_as_of_its_revision(site):
    article = site.entries["in-sport"]
    sport, europe = site.categories.sport, site.categories.europe
    news = scope_build(category=site.categories.news)
    assert entry_section(article).category_id == sport.pk
    assert not scope_matches(news, article)
    assert scope_matches(news, article, snapshot={"category": europe.pk})
    assert not scope_matches(news, article, snapshot={"category": None})


def test_the_most_specific_scope_wins(site):
    c, p, e = site.categories, site.pages, site.entries
    candidates = [
        (scope_build(types=["article", "page"]), "types"),
        (scope_build(page=p.about), "about"),
        (scope_build(page=p.team), "team"),
        (scope_build(category=c.news), "news"),
        (scope_build(category=c.world), "world"),
        (scope_build(category=c.world, locale=site.en), "english world"),
        (scope_build(page=p.about), "about again"),
    ]
    # A page section beats types; the deepest page wins; ties go to the first listed.
    assert scope_pick(candidates, e["team"]) == "team"
    assert scope_pick(candidates, e["jobs"]) == "about"
    assert scope_pick(candidates, e["contact"]) == "types"
    # A category beats types; the nearest category wins; then a locale beats none.
    assert scope_pick(candidates, e["in-news"]) == "news"
    assert scope_pick(candidates, e["in-europe"]) == "english world"
    assert scope_pick(candidates[:5], e["in-europe"]) == "world"
    assert scope_pick(candidates, e["uncategorised"]) == "types"
    assert scope_pick(candidates[1:3], e["uncategorised"]) is None


NAMES = ScopeNames(types="content_types", page="page_subtree")


def _clean(**data):
    return scope_clean(data, NAMES)


def test_scope_clean_keeps_one_section_that_a_chosen_type_can_be_in(site):
    news, about = site.categories.news, site.pages.about
    assert _clean(content_types=["page", "article", "page"]) == {
        "content_types": ["article", "page"],
        "page_subtree": None,
        "category": None,
        "locale": None,
    }
    assert _clean(category=news, locale=site.fr)["locale"] == site.fr
    known = f"List some of: {', '.join(scope_type_names())}"  # the registered types
    assert "article, " in known
    refusals = [
        ({"content_types": ["podcast"]}, "content_types", known),
        ({"content_types": "article"}, "content_types", known),
        ({"category": news, "page_subtree": about}, "category", "not both"),
        ({"category": news, "content_types": ["page"]}, "category", "Only article items"),
        ({"page_subtree": about, "content_types": ["article"]}, "page_subtree", "Only page"),
    ]
    for data, field, message in refusals:
        with pytest.raises(ValidationError) as caught:
            _clean(**data)
        assert message in caught.value.message_dict[field][0], data
