"""Counting without reading a whole table: counts that stop at a cap, several in one query."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import Article, Status
from core.counting import Tally, bounded_counts, counts_or_estimates, planner_estimate
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    for n in range(4):
        ArticleFactory(title=f"Draft {n}")
    ArticleFactory(title="Out", published=True)


def test_several_counts_come_in_one_query_each_stopping_at_the_cap(
    articles, django_assert_num_queries
):
    with django_assert_num_queries(1):
        tallies = bounded_counts(
            {
                "drafts": Article.objects.filter(status=Status.DRAFT),
                "published": Article.objects.filter(status=Status.PUBLISHED),
                "archived": Article.objects.filter(status=Status.ARCHIVED),
                "none": Article.objects.none(),  # matches nothing: not even asked
                "titled": Article.objects.filter(title__in=[]),
            },
            cap=3,
        )
    assert tallies == {
        "drafts": Tally(3, "at_least"),
        "published": Tally(1),
        "archived": Tally(0),
        "none": Tally(0),
        "titled": Tally(0),
    }
    assert str(tallies["drafts"]) == "3+"


def test_nothing_to_count_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bounded_counts({"none": Article.objects.none()}, cap=3) == {"none": Tally(0)}


def test_past_the_cap_postgresql_gives_its_estimate(articles):
    tallies = counts_or_estimates(
        {
            "drafts": Article.objects.filter(status=Status.DRAFT),
            "published": Article.objects.filter(status=Status.PUBLISHED),
        },
        cap=3,
    )
    assert tallies["published"] == Tally(1)
    if connection.vendor == "postgresql":
        assert tallies["drafts"].kind == "about"
        assert tallies["drafts"].value >= 4  # never below what was counted
    else:
        assert tallies["drafts"] == Tally(3, "at_least")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's estimate")
def test_the_estimate_plans_the_filtered_ids_not_a_changelists_joins(articles):
    page = Article.objects.select_related("owner", "category", "live_revision").filter(
        status=Status.DRAFT
    )
    with CaptureQueriesContext(connection) as queries:
        estimate = planner_estimate(page)
    assert estimate is not None
    assert estimate >= 1
    (explain,) = [q["sql"] for q in queries.captured_queries]
    assert explain.startswith("EXPLAIN")
    assert "JOIN" not in explain
