"""The dashboard's cards (admin index and governance dashboard): per role, only what the
user may see, with counts that stop at a cap; and the publishing chart's labels."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from content import services
from content.models import Article
from content.services.grants import role_grant_create
from governance.policies.configuration import policy_create
from governance.policies.evaluation import policies_evaluate
from governance.reports import cards
from governance.webhooks.models import DeliveryStatus, Webhook, WebhookDelivery, WebhookEvent
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory, make_category
from tests.governance.workflow_fixtures import change_url

pytestmark = pytest.mark.django_db

INDEX = "/admin/"
DASHBOARD = "/admin/governance/dashboard/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def card_of(user, key: str) -> cards.Card | None:
    return next((c for c in cards.dashboard_cards(user) if c.key == key), None)


def titles(card: cards.Card) -> list[str]:
    return [item.title for item in card.items]


def card_html(html: str, key: str) -> str:
    start = html.index(f'id="card-{key}"')
    return html[start : html.index("</article>", start)]


def test_an_author_sees_their_own_drafts_not_others():
    ada, bob = UserFactory(role="Author"), UserFactory(role="Author")
    older = ArticleFactory(title="Ada's older draft", owner=ada)
    newer = ArticleFactory(title="Ada's newer draft", owner=ada)
    Article.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=2))
    ArticleFactory(title="Bob's draft", owner=bob)
    ArticleFactory(title="Ada's published piece", owner=ada, published=True)

    html = card_html(signed_in(ada).get(INDEX).content.decode(), "my_drafts")
    assert 'data-count="2"' in html
    assert f'<a href="{change_url(newer)}">Ada&#x27;s newer draft</a>' in html
    assert html.index("newer draft") < html.index("older draft")  # newest first
    assert "Bob" not in html
    assert "published piece" not in html
    # Authors see no webhook card: deliveries are the Administrators'.
    assert 'id="card-webhook_failures"' not in signed_in(ada).get(INDEX).content.decode()


def test_a_section_editor_sees_only_its_sections_items():
    news, sport = make_category("News"), make_category("Sport")
    editor = UserFactory(email="news@example.com")
    role_grant_create(actor=None, data={"user": editor, "role": "Editor", "category": news})
    due = timezone.now() - timedelta(days=3)
    budget = ArticleFactory(title="Budget", category=news, scheduled=True)
    ArticleFactory(title="Final", category=sport, scheduled=True)
    policy_create(
        actor=None,
        data={"name": "No jargon", "kind": "banned_terms", "params": {"terms": ["synergy"]}},
    )
    for category in (news, sport):
        flagged = ArticleFactory(title=f"Synergy in {category.name}", category=category)
        policies_evaluate(entry=flagged, revision=flagged.latest_revision)
    Article.objects.update(next_review_at=due)

    assert titles(card_of(editor, "scheduled")) == ["Budget"]
    assert set(titles(card_of(editor, "due_for_review"))) == {"Budget", "Synergy in News"}
    violations = card_of(editor, "violations")
    assert titles(violations) == ["Synergy in News"]
    assert violations.count.value == 1
    html = signed_in(editor).get(INDEX).content.decode()
    assert f'<a href="{change_url(budget)}">Budget</a>' in card_html(html, "scheduled")
    assert "Final" not in html
    assert "Synergy in Sport" not in html


def test_due_for_review_is_what_the_user_may_vouch_for():
    ada = UserFactory(role="Author")
    editor = UserFactory(role="Editor")
    mine = ArticleFactory(title="Mine", owner=ada, published=True)
    ArticleFactory(title="Someone else's", published=True)
    ArticleFactory(title="Not due yet", owner=ada, published=True)
    Article.objects.update(next_review_at=timezone.now() - timedelta(days=1))
    Article.objects.filter(title="Not due yet").update(
        next_review_at=timezone.now() + timedelta(days=60)
    )
    # The owner vouches for their own; an Editor (who may publish) for anyone's.
    assert titles(card_of(ada, "due_for_review")) == ["Mine"]
    assert set(titles(card_of(editor, "due_for_review"))) == {"Mine", "Someone else's"}
    assert card_of(ada, "due_for_review").items[0].meta.startswith("Article · overdue since")
    assert card_of(ada, "due_for_review").items[0].url == change_url(mine)


def test_review_tasks_are_the_reviewers_not_the_submitters():
    ada = UserFactory(role="Author")
    reviewer = UserFactory(role="Reviewer")
    waiting = ArticleFactory(title="Please review", owner=ada)
    services.entry_submit(entry=waiting, actor=ada)

    card = card_of(reviewer, "my_review_tasks")
    assert titles(card) == ["Please review"]
    assert card.items[0].url == change_url(waiting)
    assert card_of(ada, "my_review_tasks").count.value == 0
    html = signed_in(reviewer).get(DASHBOARD).content.decode()
    assert ">Please review</a>" in card_html(html, "my_review_tasks")


def test_scheduled_this_week_leaves_out_later_ones():
    editor = UserFactory(role="Editor")
    ArticleFactory(title="Within the hour", scheduled=True)
    later = ArticleFactory(title="In a fortnight", scheduled=True)
    Article.objects.filter(pk=later.pk).update(publish_at=timezone.now() + timedelta(days=14))
    card = card_of(editor, "scheduled")
    assert titles(card) == ["Within the hour"]
    assert card.items[0].meta.startswith("Article · publishes ")


def test_administrators_see_failing_webhook_deliveries():
    hook = Webhook.objects.create(name="Search index", url="https://hooks.example.com/")
    states = [
        (DeliveryStatus.DEAD, 8, "Connection refused"),
        (DeliveryStatus.PENDING, 2, "HTTP 502"),
        (DeliveryStatus.PENDING, 0, ""),  # not tried yet: no failure
        (DeliveryStatus.SUCCEEDED, 1, ""),
    ]
    for status, attempts, error in states:
        event = WebhookEvent.objects.create(event_type="content.published", payload={})
        WebhookDelivery.objects.create(
            webhook=hook, event=event, status=status, attempts=attempts, last_error=error
        )
    card = card_of(UserFactory(role="Administrator"), "webhook_failures")
    assert card.count.value == 2
    assert {item.meta for item in card.items} == {
        "Dead letter after 8 attempt(s) · Connection refused",
        "Pending after 2 attempt(s) · HTTP 502",
    }
    assert card.more_url == "/admin/governance/webhookdelivery/"
    assert card_of(UserFactory(role="Editor"), "webhook_failures") is None


def test_counts_stop_at_the_cap(monkeypatch):
    monkeypatch.setattr(cards, "CARD_CAP", 2)
    ada = UserFactory(role="Author")
    for n in range(3):
        ArticleFactory(title=f"Draft {n}", owner=ada)
    card = card_of(ada, "my_drafts")
    assert (card.count.value, card.count.kind, str(card.count)) == (2, "at_least", "2+")
    assert len(card.items) == 3  # the first few are listed whatever the count


def test_the_index_costs_the_same_queries_with_more_items(django_assert_max_num_queries):
    editor = UserFactory(role="Editor")

    def items(n: int) -> None:
        # Each card with something to list: drafts, scheduled ones, all due for review.
        ArticleFactory(title=f"Draft {n}", owner=editor)
        ArticleFactory(title=f"Scheduled {n}", scheduled=True)
        Article.objects.update(next_review_at=timezone.now())

    items(0)
    client = signed_in(editor)
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(INDEX).status_code == 200
    for n in range(1, 7):
        items(n)
    with django_assert_max_num_queries(len(baseline)):
        response = client.get(INDEX)
    assert 'data-count="7"' in card_html(response.content.decode(), "my_drafts")


def test_the_publishing_chart_has_date_labels_and_a_legend():
    ArticleFactory(title="Out today", published=True)
    html = signed_in(UserFactory(role="Editor")).get(DASHBOARD).content.decode()
    today = timezone.localdate()
    assert f">{today:%b} {today.day}</text>" in html  # the last day is always labelled
    assert html.count("</text>") == 5  # one a week over 30 days
    assert "Items published per day, last 30 days (1 in all)" in html
    assert f"Busiest day: {today:%b} {today.day}, 1 published" in html
