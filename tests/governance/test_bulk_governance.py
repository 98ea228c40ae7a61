"""Bulk jobs under governance: the seeded "Standard review" workflow and content policies
refuse items in bulk exactly as they refuse the single-item buttons, and each refusal is
listed by item on the job's progress page."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from content import services
from content.models import Article, BulkRefusal, Status
from governance.models import AuditEvent, Comment
from governance.policies.services import policy_checks
from governance.workflows.services import review_decide, submission_current
from tests.content.bulk_helpers import bulk_post, last_job
from tests.content.factories import ArticleFactory, make_category
from tests.governance import workflow_fixtures
from tests.governance.policy_fixtures import banned

pytestmark = pytest.mark.django_db
users, admin_for = workflow_fixtures.users, workflow_fixtures.admin_for


def approved(users, **kwargs) -> Article:
    entry = ArticleFactory(owner=users["Author"], **kwargs)
    services.entry_submit(entry=entry, actor=users["Author"])
    review_decide(submission=submission_current(entry), actor=users["Reviewer"], decision="approve")
    return Article.objects.get(pk=entry.pk)


def submitted(users, **kwargs) -> Article:
    entry = ArticleFactory(owner=users["Author"], **kwargs)
    return services.entry_submit(entry=entry, actor=users["Author"])


def body(text: str) -> list[dict]:
    return [{"type": "paragraph", "value": {"text": text}}]


def test_bulk_publish_across_a_filter_lists_what_policies_and_the_workflow_refuse(
    users, admin_for, django_capture_on_commit_callbacks
):
    travel = make_category("Travel")
    fine = [approved(users, title=f"Fine {n}", category=travel.pk) for n in range(2)]
    jargon = approved(
        users, title="Jargon", category=travel.pk, body=body("Pure synergy on the coast.")
    )
    unreviewed = ArticleFactory(owner=users["Author"], title="Unreviewed", category=travel.pk)
    # The policy arrives after the approval, so only publishing meets it.
    banned(name="Banned terms", terms=("synergy",))

    page = bulk_post(
        admin_for("Editor"),
        Article,
        "publish",
        query=f"category__id__exact={travel.pk}",
        capture=django_capture_on_commit_callbacks,
    )
    job = last_job()
    assert (job.total, job.done, job.refused) == (4, 4, 2)
    for article in fine:
        assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    assert Article.objects.get(pk=jargon.pk).status == Status.APPROVED
    assert Article.objects.get(pk=unreviewed.pk).status == Status.DRAFT
    html = page.content.decode()
    assert "Article “Jargon”" in html
    assert "blocked by policy “Banned terms”" in html
    assert "Article “Unreviewed”" in html
    reasons = {r.title: " ".join(r.reasons) for r in BulkRefusal.objects.filter(job=job)}
    assert reasons["Jargon"].startswith("blocked by policy “Banned terms”: ")
    assert "synergy" in reasons["Jargon"]
    assert "no approved submission" in reasons["Unreviewed"]


def test_bulk_reject_gives_each_item_the_one_comment(
    users, admin_for, django_capture_on_commit_callbacks
):
    one, two = submitted(users, title="One"), submitted(users, title="Two")
    reviewer = admin_for("Reviewer")
    ask = bulk_post(reviewer, Article, "reject", ids=[one.pk, two.pk], apply=False)
    assert ask.status_code == 200
    assert "comment" in ask.context["form"].fields
    bulk_post(
        reviewer,
        Article,
        "reject",
        ids=[one.pk, two.pk],
        capture=django_capture_on_commit_callbacks,
        comment="Cite the survey.",
    )
    assert last_job().refused == 0
    content_type = ContentType.objects.get_for_model(Article)
    for article in (one, two):
        assert Article.objects.get(pk=article.pk).status == Status.DRAFT
        comments = Comment.objects.filter(content_type=content_type, object_id=article.pk)
        assert [c.body for c in comments] == ["Rejected: Cite the survey."]
        assert comments[0].author == users["Reviewer"]
    assert AuditEvent.objects.filter(action="article.reject", actor=users["Reviewer"]).count() == 2


def test_bulk_approve_reports_each_refusal(users, admin_for, django_capture_on_commit_callbacks):
    one, two = submitted(users, title="First"), submitted(users, title="Second")
    selected = [one.pk, two.pk]
    capture = django_capture_on_commit_callbacks
    page = bulk_post(admin_for("Editor"), Article, "approve", ids=selected, capture=capture)
    assert last_job().refused == 2
    assert page.content.decode().count("Only Reviewer reviewers") == 2
    assert Article.objects.filter(status=Status.IN_REVIEW).count() == 2
    bulk_post(admin_for("Reviewer"), Article, "approve", ids=selected, capture=capture)
    assert last_job().refused == 0
    assert Article.objects.filter(status=Status.APPROVED).count() == 2


def test_the_policy_checks_filter_and_the_policy_violations_view(users, admin_for):
    from content.admin.saved_views import view_link
    from content.seeding.saved_views import demo_saved_views_create
    from governance.policies.seeding import POLICY_VIOLATIONS_VIEW

    banned(name="Banned terms", terms=("synergy",))
    banned(name="Mild", terms=("amazing",), severity="warn")
    blocked = ArticleFactory(title="Blocked", body=body("Pure synergy."))
    warned = ArticleFactory(title="Warned", body=body("An amazing view."))
    clean = ArticleFactory(title="Clean", body=body("A quiet bay."))
    for article in (blocked, warned, clean):
        policy_checks(entry=article)  # "Check now": the results are stored per revision
    editor = admin_for("Editor")
    url = "/admin/content/article/"
    listed = {
        value: [
            a.title for a in editor.get(f"{url}?policy_check={value}").context["cl"].result_list
        ]
        for value in ("blocking", "any")
    }
    assert listed["blocking"] == ["Blocked"]
    assert sorted(listed["any"]) == ["Blocked", "Warned"]
    [view] = demo_saved_views_create(owner=users["Administrator"], views=(POLICY_VIOLATIONS_VIEW,))
    opened = admin_for("Reviewer").get(view_link(view))
    assert sorted(a.title for a in opened.context["cl"].result_list) == ["Blocked", "Warned"]
