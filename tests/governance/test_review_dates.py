"""Owners and review dates, reports and the governance dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from content import services
from content.models import Article
from governance.models import AuditEvent
from governance.reports import queries as reports
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_new_items_get_a_review_date_from_their_type_interval(settings):
    settings.CONTENT_REVIEW_INTERVAL_DAYS = {"article": 30, "page": 90}
    article = ArticleFactory()
    expected = timezone.now() + timedelta(days=30)
    assert abs((article.next_review_at - expected).total_seconds()) < 60


def test_owner_marks_reviewed_and_the_date_moves_on():
    author = UserFactory(role="Author")
    article = ArticleFactory(owner=author)
    Article.objects.filter(pk=article.pk).update(next_review_at=timezone.now() - timedelta(days=1))
    client = APIClient()
    client.force_authenticate(author)
    response = client.post(f"/api/v1/articles/{article.pk}/mark-reviewed/", {"message": "Checked"})
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.next_review_at > timezone.now() + timedelta(days=100)
    event = AuditEvent.objects.get(action="article.mark_reviewed")
    assert event.actor == author
    assert event.metadata == {"note": "Checked"}


def test_others_cannot_mark_someone_elses_item_reviewed_but_editors_can():
    article = ArticleFactory(owner=UserFactory(role="Author"))
    client = APIClient()
    client.force_authenticate(UserFactory(role="Viewer"))
    denied = client.post(f"/api/v1/articles/{article.pk}/mark-reviewed/")
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "permission_denied"
    client.force_authenticate(UserFactory(role="Editor"))
    assert client.post(f"/api/v1/articles/{article.pk}/mark-reviewed/").status_code == 200


def test_editor_hands_ownership_over():
    article = ArticleFactory(owner=UserFactory(role="Author"))
    new_owner = UserFactory(role="Author")
    client = APIClient()
    client.force_authenticate(UserFactory(role="Author"))
    assert (
        client.post(f"/api/v1/articles/{article.pk}/owner/", {"owner": new_owner.pk}).status_code
        == 403
    )
    client.force_authenticate(UserFactory(role="Editor"))
    bad = client.post(f"/api/v1/articles/{article.pk}/owner/", {"owner": 999999})
    assert bad.status_code == 400
    ok = client.post(f"/api/v1/articles/{article.pk}/owner/", {"owner": new_owner.pk})
    assert ok.status_code == 200
    article.refresh_from_db()
    assert article.owner == new_owner


def test_reports_list_overdue_stale_and_activity(settings):
    settings.CONTENT_STALE_AFTER_DAYS = 10
    overdue = ArticleFactory(title="Overdue")
    ArticleFactory(title="Fresh")
    Article.objects.filter(pk=overdue.pk).update(
        next_review_at=timezone.now() - timedelta(days=2),
        updated_at=timezone.now() - timedelta(days=20),
    )
    assert [r["title"] for r in reports.overdue_reviews()] == ["Overdue"]
    assert [r["title"] for r in reports.stale_content()] == ["Overdue"]
    ArticleFactory(published=True)
    days = reports.publishing_activity(days=30)
    assert len(days) == 30
    assert days[-1].published == 1
    assert sum(d.published for d in days) == 1


def test_dashboard_shows_counts_overdue_and_the_chart(client):
    editor = UserFactory(role="Editor")
    item = ArticleFactory(title="Needs a look", published=True)
    Article.objects.filter(pk=item.pk).update(next_review_at=timezone.now() - timedelta(days=1))
    client.force_login(editor)
    response = client.get("/admin/governance/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Needs a look" in html
    assert "<svg" in html
    assert "Published in the last 30 days: 1" in html
    assert client.get("/admin/").status_code == 200


def test_dashboard_needs_a_staff_login(client):
    response = client.get("/admin/governance/dashboard/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_mark_reviewed_service_refuses_strangers():
    from django.core.exceptions import PermissionDenied

    article = ArticleFactory(owner=UserFactory(role="Author"))
    with pytest.raises(PermissionDenied):
        services.entry_mark_reviewed(entry=article, actor=UserFactory(role="Author"))


def test_reports_api(settings):
    settings.CONTENT_STALE_AFTER_DAYS = 10
    item = ArticleFactory(title="Old one")
    Article.objects.filter(pk=item.pk).update(
        next_review_at=timezone.now() - timedelta(days=1),
        updated_at=timezone.now() - timedelta(days=30),
    )
    client = APIClient()
    client.force_authenticate(UserFactory(role="Viewer"))
    for name in ("stale", "overdue-reviews"):
        body = client.get(f"/api/v1/governance/reports/{name}/").json()
        assert [r["title"] for r in body["results"]] == ["Old one"]
    activity = client.get("/api/v1/governance/reports/activity/", {"days": 7}).json()
    assert len(activity["results"]) == 7
    assert client.get("/api/v1/governance/reports/activity/", {"days": 0}).status_code == 400
    assert client.get("/api/v1/governance/reports/stale/", {"x": 1}).status_code == 400
    assert client.get("/api/v1/governance/reports/nope/").status_code == 404
    assert APIClient().get("/api/v1/governance/reports/stale/").status_code == 401


def test_weekly_digest_emails_each_owner_their_overdue_items(
    mailoutbox, django_capture_on_commit_callbacks
):
    from governance.tasks import review_digest_task

    owner = UserFactory(role="Author", email="owner@example.com")
    late = ArticleFactory(title="Late item", owner=owner)
    ArticleFactory(title="On time", owner=owner)
    Article.objects.filter(pk=late.pk).update(next_review_at=timezone.now() - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert review_digest_task() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["owner@example.com"]
    assert "Late item" in mailoutbox[0].body
    assert "On time" not in mailoutbox[0].body


def test_violations_report_lists_open_violations_of_current_revisions_only():
    from governance.policies.configuration import policy_create
    from governance.policies.evaluation import policies_evaluate

    policy = policy_create(
        actor=None,
        data={"name": "No jargon", "kind": "banned_terms", "params": {"terms": ["synergy"]}},
    )
    fixed = ArticleFactory(title="Synergy at first")
    policies_evaluate(entry=fixed, revision=fixed.latest_revision)
    fixed = services.entry_update(entry=fixed, actor=None, data={"title": "Plain words"})
    policies_evaluate(entry=fixed, revision=fixed.latest_revision)
    open_one = ArticleFactory(title="Synergy still")
    policies_evaluate(entry=open_one, revision=open_one.latest_revision)
    trashed = ArticleFactory(title="Synergy, binned")
    policies_evaluate(entry=trashed, revision=trashed.latest_revision)
    services.entry_trash(entry=trashed, actor=None)

    assert [(r["id"], r["policy"]) for r in reports.policy_violations()] == [
        (open_one.pk, "No jargon")
    ]
    client = APIClient()
    client.force_authenticate(UserFactory(role="Viewer"))
    body = client.get("/api/v1/governance/reports/violations/").json()
    assert [r["id"] for r in body["results"]] == [open_one.pk]
    assert body["results"][0]["violations"][0]["rule"] == "banned_terms"
    policy.is_active = False
    policy.save(update_fields=["is_active"])
    assert reports.policy_violations() == []


def test_dashboard_shows_my_review_queue_and_open_violations(client):
    from governance.policies.configuration import policy_create
    from governance.policies.evaluation import policies_evaluate

    policy_create(
        actor=None,
        data={"name": "No jargon", "kind": "banned_terms", "params": {"terms": ["synergy"]}},
    )
    flagged = ArticleFactory(title="Synergy report")
    policies_evaluate(entry=flagged, revision=flagged.latest_revision)
    author = UserFactory(role="Author")
    waiting = ArticleFactory(title="Waiting for review", owner=author)
    services.entry_submit(entry=waiting, actor=author)
    client.force_login(UserFactory(role="Reviewer"))
    response = client.get("/admin/governance/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    # The cards: "My review tasks" lists the submission, "Open policy violations" the item.
    assert ">Waiting for review</a>" in html
    assert "Nothing waits for you." not in html
    assert ">Synergy report</a>" in html
    assert "No jargon (" in html
    assert "No open policy violations." not in html
    client.force_login(UserFactory(role="Editor"))  # Editors publish; they review nothing
    html = client.get("/admin/governance/dashboard/").content.decode()
    assert "Nothing waits for you." in html
