"""Governance on the content change form, through the Django test client: review buttons
offered only to who may decide the step, Reject with a comment, the policy-check panel
with its override, and the workflow panel with threaded comments. "Standard review" (one
Reviewer step) is active, as seeded.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse

from content import services
from content.models import Article, Status
from governance.models import AuditEvent, Comment, PolicyOverride, SubmissionStatus
from governance.policies.services import policy_checks
from governance.workflows.services import submission_current
from tests.content.factories import ArticleFactory, PageFactory
from tests.governance import workflow_fixtures
from tests.governance.policy_fixtures import banned

pytestmark = pytest.mark.django_db
users, admin_for = workflow_fixtures.users, workflow_fixtures.admin_for
change_url = workflow_fixtures.change_url

REVIEW_TOOLS = ('data-transition="approve"', 'data-transition="reject"')


def admin_url(entry, name: str) -> str:
    return reverse(f"admin:content_{entry._meta.model_name}_{name}", args=[entry.pk])


def panel_url(entry, name: str) -> str:
    return reverse(f"admin:governance_{name}_entry", args=[entry._meta.model_name, entry.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def submitted(users, **kwargs) -> Article:
    article = ArticleFactory(owner=users["Author"], **kwargs)
    return services.entry_submit(entry=article, actor=users["Author"])


# --- Review buttons -----------------------------------------------------------------------


def test_approve_and_reject_are_offered_only_to_who_may_decide_the_step(users, admin_for):
    article = submitted(users)
    offered = {}
    for who in ("Author", "Editor", "Reviewer", "Administrator", "Viewer"):
        html = admin_for(who).get(change_url(article)).content.decode()
        offered[who] = [tool for tool in REVIEW_TOOLS if tool in html]
    assert offered["Reviewer"] == list(REVIEW_TOOLS)
    assert offered["Administrator"] == list(REVIEW_TOOLS)  # holds every step
    assert offered["Editor"] == []  # publishes, but is not on the Reviewer step
    assert offered["Author"] == []
    assert offered["Viewer"] == []
    author_html = admin_for("Author").get(change_url(article)).content.decode()
    assert 'data-transition="publish"' not in author_html
    # The service gives the same answer to a hand-made POST.
    response = admin_for("Editor").post(
        reverse("admin:content_article_transition", args=[article.pk, "approve"]), follow=True
    )
    assert any("Only Reviewer reviewers" in m for m in messages_of(response))
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


def test_once_a_reviewer_decided_the_buttons_go(users, admin_for):
    article = submitted(users)
    reviewer = admin_for("Reviewer")
    response = reviewer.post(
        reverse("admin:content_article_transition", args=[article.pk, "approve"]), follow=True
    )
    assert any("was approved" in m for m in messages_of(response)), messages_of(response)
    assert Article.objects.get(pk=article.pk).status == Status.APPROVED
    html = reviewer.get(change_url(article)).content.decode()
    assert not any(tool in html for tool in REVIEW_TOOLS)
    editor_html = admin_for("Editor").get(change_url(article)).content.decode()
    assert 'data-transition="publish"' in editor_html  # approved: the Editor publishes


def test_reject_needs_a_comment_and_goes_through_the_workflow(users, admin_for):
    article = submitted(users)
    reviewer = admin_for("Reviewer")
    reject = admin_url(article, "reject")
    empty = reviewer.post(reject, {"message": ""})
    assert empty.status_code == 200
    assert empty.context["form"].errors["message"] == ["A rejection needs a comment."]
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW
    assert submission_current(article) is not None
    response = reviewer.post(reject, {"message": "Cite the survey."}, follow=True)
    assert any("rejected" in m for m in messages_of(response)), messages_of(response)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert submission_current(article) is None
    html = reviewer.get(change_url(article)).content.decode()
    assert "Rejected: Cite the survey." in html  # the decision is a comment on the item
    assert "rejected" in html  # and the submission's status


def test_an_editor_not_on_the_step_cannot_reject_either(users, admin_for):
    article = submitted(users)
    response = admin_for("Editor").post(
        admin_url(article, "reject"), {"message": "Not good"}, follow=True
    )
    assert any("Only Reviewer reviewers" in m for m in messages_of(response))
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


# --- The policy-check panel -----------------------------------------------------------------


def test_policy_panel_lists_each_violation_and_override_is_for_holders_only(users, admin_for):
    banned()
    article = ArticleFactory(title="Top class", owner=users["Author"])
    editor = admin_for("Editor")
    html = editor.get(change_url(article)).content.decode()
    assert "has not been checked yet" in html
    assert editor.get(panel_url(article, "policyresult")).status_code == 405
    response = editor.post(panel_url(article, "policyresult"), follow=True)  # "Check now"
    assert any("checked just now" in m for m in messages_of(response)), messages_of(response)
    for who in ("Author", "Editor"):
        html = admin_for(who).get(change_url(article)).content.decode()
        assert 'data-policy-status="block"' in html
        assert 'data-violation="banned_terms"' in html
        assert "Uses the banned term “class”." in html
        assert ">title<" in html  # the field
        assert 'folio-severity--block">block<' in html
        assert 'data-action="override"' not in html, who
    admin_html = admin_for("Administrator").get(change_url(article)).content.decode()
    assert 'data-action="override"' in admin_html


def _policy_panel_text(response) -> str:
    """The page as a reader sees it: the messages and the panel, tags stripped."""
    html = response.content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("setup", "state"),
    [
        # No policy covers the item: the check stores nothing, and there is nothing to do.
        (lambda: None, "No active policy applies to this article: there is nothing to check."),
        (lambda: banned(content_types=["page"]), "No active policy applies to this article"),
        # A policy covers it and passes: the panel shows the result the check stored.
        (lambda: banned(terms=["synergy"]), "All applicable policies pass."),
        (lambda: banned(severity="warn"), "Warnings only: nothing blocks submitting"),
    ],
)
def test_check_now_shows_one_state_once(users, admin_for, setup, state):
    setup()
    article = ArticleFactory(title="Top class")
    response = admin_for("Editor").post(panel_url(article, "policyresult"), follow=True)
    assert response.redirect_chain[-1][0].endswith(change_url(article) + "#policy-checks")
    text = _policy_panel_text(response)
    assert text.count(state) == 1, text[text.find("Policy checks") :][:400]
    for other in ("not been checked yet", "not checked yet", "All applicable policies pass"):
        if other not in state:
            assert other not in text, other
    assert any("checked just now" in m for m in messages_of(response))


def test_a_policy_added_after_the_check_is_shown_as_not_checked(users, admin_for):
    banned(terms=["synergy"])
    article = ArticleFactory(title="Top class")
    editor = admin_for("Editor")
    editor.post(panel_url(article, "policyresult"))
    banned(name="Later rule", terms=["class"])
    text = _policy_panel_text(editor.get(change_url(article)))
    assert "Not checked yet: Later rule." in text
    assert "All applicable policies pass" not in text  # it may well fail: not a pass
    text = _policy_panel_text(editor.post(panel_url(article, "policyresult"), follow=True))
    assert "Not checked yet" not in text
    assert "Blocked: the violations marked “block”" in text


def test_override_needs_a_reason_and_the_permission(users, admin_for):
    banned()
    article = ArticleFactory(title="Top class")
    policy_checks(entry=article)  # stores the results, as "Check now" and the API do
    override = panel_url(article, "policyoverride")
    response = admin_for("Editor").post(override, {"reason": "Please"}, follow=True)
    assert any("override_policy permission" in m for m in messages_of(response))
    administrator = admin_for("Administrator")
    response = administrator.post(override, {"reason": "   "}, follow=True)
    assert any("Explain why" in m for m in messages_of(response)), messages_of(response)
    assert not PolicyOverride.objects.exists()
    assert administrator.get(override).status_code == 405
    response = administrator.post(override, {"reason": "Quoting a source."}, follow=True)
    assert response.redirect_chain[-1][0].endswith(change_url(article) + "#policy-checks")
    assert any("overridden" in m for m in messages_of(response)), messages_of(response)
    assert PolicyOverride.objects.get().reason == "Quoting a source."
    assert AuditEvent.objects.filter(action="policy.override").exists()
    html = response.content.decode()
    assert 'data-policy-status="overridden"' in html
    assert "“Quoting a source.”" in html
    assert 'data-action="override"' not in html  # nothing left to override
    services.entry_submit(entry=article, actor=None)  # the override lets it through
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


# --- The workflow panel and comments ----------------------------------------------------


def test_workflow_panel_shows_the_state_and_threaded_comments(users, admin_for):
    article = submitted(users)
    reviewer = admin_for("Reviewer")
    html = reviewer.get(change_url(article)).content.decode()
    assert "Workflow: Standard review." in html
    assert f"submitted by {users['Author']}" in html
    assert "<span data-approvals>0 of 1</span>" in html
    assert "You may decide this step" in html
    comments = panel_url(article, "comment")
    response = reviewer.post(comments, {"body": "Which survey?"}, follow=True)
    assert "Comment added." in messages_of(response)
    question = Comment.objects.get(body="Which survey?")
    assert response.redirect_chain[-1][0].endswith(f"#comment-{question.pk}")
    response = admin_for("Author").post(
        comments, {"body": "The 2024 one.", "parent": question.pk}, follow=True
    )
    assert "Your reply was added." in messages_of(response)
    assert Comment.objects.get(body="The 2024 one.").parent == question
    html = response.content.decode()
    thread = html[html.index(f'id="comment-{question.pk}"') :]
    assert thread.index("Which survey?") < thread.index("<ul>") < thread.index("The 2024 one.")
    editor_html = admin_for("Editor").get(change_url(article)).content.decode()
    assert "You may decide this step" not in editor_html


def test_bad_comments_are_refused_and_viewers_get_no_form(users, admin_for):
    article = submitted(users)
    other = ArticleFactory()
    foreign = Comment.objects.create(
        content_type=ContentType.objects.get_for_model(other),
        object_id=other.pk,
        body="Elsewhere",
    )
    comments = panel_url(article, "comment")
    editor = admin_for("Editor")
    response = editor.post(comments, {"body": "  "}, follow=True)
    assert any("cannot be empty" in m for m in messages_of(response)), messages_of(response)
    response = editor.post(comments, {"body": "Hi", "parent": foreign.pk}, follow=True)
    assert any("same item" in m for m in messages_of(response)), messages_of(response)
    response = admin_for("Viewer").post(comments, {"body": "Let me in"}, follow=True)
    assert any("permission" in m for m in messages_of(response)), messages_of(response)
    assert Comment.objects.count() == 1
    viewer_html = admin_for("Viewer").get(change_url(article)).content.decode()
    assert 'data-action="comment"' not in viewer_html


def test_pages_have_both_panels_and_a_move_tool(users, admin_for):
    page = PageFactory(title="Legal", owner=users["Author"])
    services.entry_submit(entry=page, actor=users["Author"])
    html = admin_for("Reviewer").get(change_url(page)).content.decode()
    assert 'id="policy-checks"' in html
    assert 'id="workflow"' in html
    assert 'data-transition="approve"' in html
    assert 'data-transition="move"' not in html  # Reviewers do not edit pages
    editor_html = admin_for("Editor").get(change_url(page)).content.decode()
    assert 'data-transition="move"' in editor_html
    submission = submission_current(page)
    assert submission.status == SubmissionStatus.IN_PROGRESS


def test_panel_views_refuse_unknown_items(users, admin_for):
    article = ArticleFactory()
    client = admin_for("Editor")
    missing = reverse("admin:governance_comment_entry", args=["article", 999999])
    assert client.post(missing, {"body": "a"}).status_code == 404
    unknown = reverse("admin:governance_comment_entry", args=["user", article.pk])
    assert client.post(unknown, {"body": "a"}).status_code == 404
