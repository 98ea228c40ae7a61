"""Workflows honour section-limited roles: a step's role held through a grant counts on
the grant's section only, for deciding, the review queue, notifications and the
workflow's reads (comments, review links, submissions)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from content import services
from content.models import Article, Status
from content.services.grants import role_grant_create
from governance.models import Submission, SubmissionStatus, Workflow, WorkflowStep
from governance.workflows.configuration import comment_create
from governance.workflows.review_links import review_link_create
from governance.workflows.selectors import workflow_state_for
from governance.workflows.services import review_decide, submission_current
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory, make_category
from tests.governance import workflow_fixtures

pytestmark = pytest.mark.django_db
users = workflow_fixtures.users
client_for = workflow_fixtures.client_for

QUEUE = "/api/v1/governance/tasks/"
REQUESTED = "Review requested"


def grant(role: str, *, user=None, group=None, **scope):
    return role_grant_create(actor=None, data={"user": user, "group": group, "role": role, **scope})


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sections(db) -> dict:
    news = make_category("News")
    return {
        "news": news,
        "world": make_category("World", parent=news),
        "sport": make_category("Sport"),
    }


@pytest.fixture
def news_reviewer(sections):
    """No role of its own: Reviewer of "News" (and the categories below it) only."""
    user = UserFactory(email="news-reviewer@example.com")
    grant("Reviewer", user=user, category=sections["news"])
    return user


def submitted(users, category, title: str) -> Article:
    article = ArticleFactory(owner=users["Author"], title=title, category=category.pk)
    return services.entry_submit(entry=article, actor=users["Author"])


@pytest.fixture
def items(users, sections) -> dict:
    """One article in review in "World" (below News) and one in "Sport"."""
    return {
        "inside": submitted(users, sections["world"], "Summit"),
        "outside": submitted(users, sections["sport"], "Final"),
    }


def queue_ids(user) -> set[int]:
    response = api(user).get(QUEUE)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- Deciding and the queue --------------------------------------------------------------


def test_a_section_reviewer_sees_and_approves_only_its_section(news_reviewer, items, users):
    inside, outside = (submission_current(items[k]) for k in ("inside", "outside"))
    assert queue_ids(news_reviewer) == {inside.pk}
    # A Reviewer by role sees every submission, as before.
    assert queue_ids(users["Reviewer"]) == {inside.pk, outside.pk}

    client = api(news_reviewer)
    assert_error(client.get(f"{QUEUE}{outside.pk}/"), 404)
    assert_error(client.post(f"{QUEUE}{outside.pk}/approve/", {}, format="json"), 404)
    # Through the item's own route and the service: refused as well.
    refused = client.post(f"/api/v1/articles/{items['outside'].pk}/approve/", {}, format="json")
    assert_error(refused, 403)
    with pytest.raises(PermissionDenied):
        review_decide(submission=outside, actor=news_reviewer, decision="approve")
    assert Submission.objects.get(pk=outside.pk).status == SubmissionStatus.IN_PROGRESS
    assert Article.objects.get(pk=items["outside"].pk).status == Status.IN_REVIEW

    approved = client.post(f"{QUEUE}{inside.pk}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == SubmissionStatus.APPROVED
    assert Article.objects.get(pk=items["inside"].pk).status == Status.APPROVED
    assert queue_ids(news_reviewer) == set()


def test_the_workflow_panel_offers_the_decision_inside_only(news_reviewer, items):
    assert workflow_state_for(items["inside"], news_reviewer)["can_decide"] is True
    assert workflow_state_for(items["outside"], news_reviewer)["can_decide"] is False


def test_a_grant_holds_only_the_steps_of_its_own_role(sections, items, users):
    editor = UserFactory(email="news-editor@example.com")
    grant("Editor", user=editor, category=sections["news"])
    # The seeded step is the Reviewer role's; an Editor (by role or by grant) reviews nothing.
    assert_error(api(editor).get(QUEUE), 403)
    with pytest.raises(PermissionDenied):
        review_decide(
            submission=submission_current(items["inside"]), actor=editor, decision="approve"
        )


def test_a_group_grant_holds_the_step_for_its_members(sections, users):
    desk = Group.objects.create(name="News desk")
    grant("Reviewer", group=desk, category=sections["news"])
    member = UserFactory(email="desk@example.com")
    member.groups.add(desk)
    inside = submitted(users, sections["news"], "Budget")
    submitted(users, sections["sport"], "Final")
    assert queue_ids(member) == {submission_current(inside).pk}
    review_decide(submission=submission_current(inside), actor=member, decision="approve")
    assert Article.objects.get(pk=inside.pk).status == Status.APPROVED


def test_a_later_step_held_by_grant_waits_for_its_turn(
    sections, news_reviewer, users, django_capture_on_commit_callbacks
):
    legal = Group.objects.create(name="Legal")
    users["Reviewer2"].groups.add(legal)
    two_steps = Workflow.objects.create(name="News sign-off", scope_category=sections["news"])
    WorkflowStep.objects.create(workflow=two_steps, order=1, group=legal)
    WorkflowStep.objects.create(workflow=two_steps, order=2, role="Reviewer")
    article = submitted(users, sections["world"], "Treaty")
    submission = submission_current(article)
    assert queue_ids(news_reviewer) == set()  # not its step yet
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(submission=submission, actor=users["Reviewer2"], decision="approve")
    [requested] = [m for m in mail.outbox if m.subject.startswith(REQUESTED)]
    assert "news-reviewer@example.com" in requested.to
    assert queue_ids(news_reviewer) == {submission.pk}
    review_decide(submission=submission, actor=news_reviewer, decision="approve")
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED


def test_the_queue_is_one_query_set_whatever_its_length(news_reviewer, users, sections):
    submitted(users, sections["news"], "First")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api(news_reviewer).get(QUEUE).status_code == 200
        return len(queries)

    count()  # the user's roles and grants are read once per user object
    once = count()
    for n in range(4):
        submitted(users, sections["world" if n % 2 else "news"], f"More {n}")
        submitted(users, sections["sport"], f"Elsewhere {n}")
    assert count() == once
    assert len(queue_ids(news_reviewer)) == 5


def test_the_admin_review_queue_follows_the_section(news_reviewer, items, users):
    client = admin(news_reviewer)
    mine = client.get("/admin/governance/submission/?queue=mine")
    assert mine.status_code == 200
    shown = {s.pk for s in mine.context["cl"].result_list}
    assert shown == {submission_current(items["inside"]).pk}
    # Not even the unfiltered list, nor the change view, shows the other section's review.
    listed = client.get("/admin/governance/submission/")
    assert {s.pk for s in listed.context["cl"].result_list} == shown
    outside = submission_current(items["outside"])
    assert client.get(f"/admin/governance/submission/{outside.pk}/change/").status_code == 302
    client.post(
        "/admin/governance/submission/",
        {"action": "approve_selected", "_selected_action": [outside.pk]},
    )
    assert Submission.objects.get(pk=outside.pk).status == SubmissionStatus.IN_PROGRESS
    # The dashboard's "My review tasks" card too.
    html = client.get("/admin/governance/dashboard/").content.decode()
    assert ">Summit</a>" in html
    assert f">{items['outside'].title}</a>" not in html
    # A Reviewer by role: both.
    everyone = admin(users["Reviewer"]).get("/admin/governance/submission/?queue=mine")
    assert len(everyone.context["cl"].result_list) == 2


# --- Notifications -----------------------------------------------------------------------


def test_a_section_reviewer_is_notified_for_its_section_only(
    news_reviewer, users, sections, django_capture_on_commit_callbacks
):
    desk = Group.objects.create(name="Sport desk")
    grant("Reviewer", group=desk, category=sections["sport"])
    sport_member = UserFactory(email="sport-desk@example.com")
    sport_member.groups.add(desk)

    def recipients(category) -> set[str]:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            submitted(users, category, "Notify")
        return {to for m in mail.outbox if m.subject.startswith(REQUESTED) for to in m.to}

    by_role = {"reviewer@example.com", "reviewer2@example.com"}
    assert recipients(sections["world"]) == by_role | {"news-reviewer@example.com"}
    assert recipients(sections["sport"]) == by_role | {"sport-desk@example.com"}


# --- The workflow's reads ----------------------------------------------------------------


def test_comments_outside_the_section_are_not_listed(news_reviewer, items, users):
    for key in items:
        comment_create(entry=items[key], actor=users["Editor"], body=f"On {key}")
    url = "/api/v1/governance/comments/?type=article&id={}"
    client = api(news_reviewer)
    inside = client.get(url.format(items["inside"].pk))
    assert inside.status_code == 200
    assert [c["body"] for c in inside.json()["results"]] == ["On inside"]
    assert_error(client.get(url.format(items["outside"].pk)), 403)
    listed = admin(news_reviewer).get("/admin/governance/comment/")
    assert [c.body for c in listed.context["cl"].result_list] == ["On inside"]
    # A Reviewer by role reads both.
    by_role = api(users["Reviewer"]).get(url.format(items["outside"].pk))
    assert [c["body"] for c in by_role.json()["results"]] == ["On outside"]
    assert (
        len(admin(users["Reviewer"]).get("/admin/governance/comment/").context["cl"].result_list)
        == 2
    )


def test_review_links_outside_the_section_are_not_listed(sections, items, users):
    for key in items:
        review_link_create(entry=items[key], actor=users["Editor"], note=key)
    news_editor = UserFactory(email="news-editor@example.com")
    grant("Editor", user=news_editor, category=sections["news"])
    listed = api(news_editor).get("/api/v1/governance/review-links/")
    assert listed.status_code == 200
    assert [link["note"] for link in listed.json()["results"]] == ["inside"]
    changelist = admin(news_editor).get("/admin/governance/reviewlink/")
    assert [link.note for link in changelist.context["cl"].result_list] == ["inside"]
    # An Editor by role lists both.
    every = api(users["Editor"]).get("/api/v1/governance/review-links/").json()["results"]
    assert sorted(link["note"] for link in every) == ["inside", "outside"]


def test_decisions_outside_the_section_are_not_listed(news_reviewer, items, users):
    for key in items:
        review_decide(
            submission=submission_current(items[key]), actor=users["Reviewer"], decision="approve"
        )
    listed = admin(news_reviewer).get("/admin/governance/reviewtask/")
    assert [t.submission.object_id for t in listed.context["cl"].result_list] == [
        items["inside"].pk
    ]
