"""Bulk work from the changelists: each action is a BulkJob that calls, item by item, the
service the single-item button calls, as the user who started it; the progress page and
its endpoint report done/total and each refusal with its reason and a link."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from content import services
from content.models import Article, BulkJob, BulkJobStatus, BulkRefusal, Locale, Page, Status
from content.services.bulk import bulk_job_create, bulk_job_run
from governance.models import AuditEvent
from tests.content.bulk_helpers import bulk_post, changelist, last_job, progress
from tests.content.factories import ArticleFactory, PageFactory, make_category, make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, users):
    client.force_login(users["Editor"])
    return client


def titles(response) -> str:
    return response.content.decode()


# --- Across a filter, with a refusal ---------------------------------------------------------


def test_bulk_publish_across_a_filter_reports_the_refusal(
    editor_client, users, django_capture_on_commit_callbacks
):
    travel, news = make_category("Travel"), make_category("News")
    drafts = [ArticleFactory(title=f"Trip {n}", category=travel.pk) for n in range(3)]
    live = ArticleFactory(title="Already out", category=travel.pk, published=True)
    elsewhere = ArticleFactory(title="Elsewhere", category=news.pk)
    query = f"category__id__exact={travel.pk}"

    ask = bulk_post(editor_client, Article, "publish", query=query, apply=False, capture=None)
    assert ask.status_code == 200
    assert ask.context["count"] == 4
    assert "every one matching this filter" in titles(ask)
    assert not BulkJob.objects.exists()  # nothing happens before the confirmation

    page = bulk_post(
        editor_client, Article, "publish", query=query, capture=django_capture_on_commit_callbacks
    )
    job = last_job()
    assert (job.status, job.total, job.done, job.refused) == (BulkJobStatus.FINISHED, 4, 4, 1)
    assert job.across
    assert job.query == query
    assert sorted(job.item_ids) == sorted([*(d.pk for d in drafts), live.pk])
    html = titles(page)
    assert page.status_code == 200
    assert 'value="4"' in html  # the bar: 4 of 4 done
    assert "Article “Already out”" in html
    assert "already published with no unpublished changes" in html
    assert reverse("admin:content_article_change", args=[live.pk]) in html
    for draft in drafts:
        assert Article.objects.get(pk=draft.pk).status == Status.PUBLISHED
    assert Article.objects.get(pk=elsewhere.pk).status == Status.DRAFT
    # Audited as the single action is, with the editor as the actor, plus the job itself.
    published = AuditEvent.objects.filter(action="article.publish", actor=users["Editor"])
    assert published.count() == 3
    assert AuditEvent.objects.filter(action="bulk_job.start", actor=users["Editor"]).exists()
    assert AuditEvent.objects.filter(action="bulk_job.finish").count() == 1


def test_the_progress_endpoint_reports_counts_and_new_refusals(
    editor_client, django_capture_on_commit_callbacks
):
    done = ArticleFactory(title="Out already", published=True)
    draft = ArticleFactory(title="Fresh")
    bulk_post(
        editor_client,
        Article,
        "publish",
        ids=[done.pk, draft.pk],
        capture=django_capture_on_commit_callbacks,
    )
    job = last_job()
    state = progress(editor_client, job).json()
    assert state["finished"] is True
    assert (state["total"], state["done"], state["succeeded"], state["refused"]) == (2, 2, 1, 1)
    [refusal] = state["refusals"]
    assert refusal["title"] == "Out already"
    assert refusal["url"] == reverse("admin:content_article_change", args=[done.pk])
    assert "already published" in refusal["reasons"][0]
    # Only what came after the last refusal the page has.
    assert progress(editor_client, job, after=refusal["position"]).json()["refusals"] == []


def test_the_progress_endpoint_refuses_bad_input(editor_client, users):
    job = BulkJob.objects.create(
        actor=users["Editor"], entry_type="article", action="publish", item_ids=[1], total=1
    )
    for bad in ("soon", "-5"):
        response = progress(editor_client, job, after=bad)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "validation_error"
    assert (
        editor_client.get(reverse("admin:content_bulkjob_change", args=["x1"])).status_code == 404
    )


def test_a_user_cannot_see_another_users_job(client, users):
    job = BulkJob.objects.create(
        actor=users["Editor"], entry_type="article", action="publish", item_ids=[1], total=1
    )
    client.force_login(users["Administrator"])
    assert client.get(reverse("admin:content_bulkjob_change", args=[job.pk])).status_code == 404
    assert progress(client, job).status_code == 404
    listing = client.get(reverse("admin:content_bulkjob_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == []
    client.logout()
    assert progress(client, job).status_code == 302  # to the login page


# --- Each action ---------------------------------------------------------------------------


def test_tags_are_added_and_removed_in_bulk(editor_client, django_capture_on_commit_callbacks):
    python, ai, climate = make_tag("Python"), make_tag("AI"), make_tag("Climate")
    one = ArticleFactory(tags=[python.pk])
    two = ArticleFactory(tags=[python.pk, climate.pk])
    french = Locale.objects.create(code="fr", name="Français")
    foreign = ArticleFactory(locale=french.pk, title="Ailleurs")
    ids = [one.pk, two.pk, foreign.pk]

    capture = django_capture_on_commit_callbacks
    page = bulk_post(editor_client, Article, "add_tags", ids=ids, capture=capture, tags=[ai.pk])
    assert set(one.tags.values_list("name", flat=True)) == {"Python", "AI"}
    assert set(two.tags.values_list("name", flat=True)) == {"Python", "Climate", "AI"}
    [refusal] = BulkRefusal.objects.filter(job=last_job())
    assert refusal.title == "Ailleurs"
    assert refusal.reasons == ["tags: Every tag must be in the item's locale."]
    assert "Article “Ailleurs”" in titles(page)
    bulk_post(
        editor_client,
        Article,
        "remove_tags",
        ids=[one.pk, two.pk],
        capture=capture,
        tags=[python.pk, climate.pk],
    )
    assert list(one.tags.values_list("name", flat=True)) == ["AI"]
    assert list(two.tags.values_list("name", flat=True)) == ["AI"]
    assert Article.objects.get(pk=one.pk).latest_revision.number == 3  # an edit, revised


def test_change_owner_in_bulk(editor_client, users, django_capture_on_commit_callbacks):
    articles = [ArticleFactory(), ArticleFactory(published=True)]
    bulk_post(
        editor_client,
        Article,
        "owner",
        ids=[a.pk for a in articles],
        capture=django_capture_on_commit_callbacks,
        owner=users["Author"].pk,
    )
    assert last_job().refused == 0
    for article in articles:
        assert Article.objects.get(pk=article.pk).owner == users["Author"]
    assert AuditEvent.objects.filter(action="article.set_owner", actor=users["Editor"]).count() == 2


def test_move_to_a_category_in_bulk(editor_client, django_capture_on_commit_callbacks):
    travel = make_category("Travel")
    french = Locale.objects.create(code="fr", name="Français")
    here, live = ArticleFactory(title="Here"), ArticleFactory(title="Live", published=True)
    foreign = ArticleFactory(title="Ailleurs", locale=french.pk)
    page = bulk_post(
        editor_client,
        Article,
        "category",
        ids=[here.pk, live.pk, foreign.pk],
        capture=django_capture_on_commit_callbacks,
        category=travel.pk,
    )
    assert Article.objects.get(pk=here.pk).category == travel
    moved = Article.objects.get(pk=live.pk)
    # A live item's move is a draft change: the public keeps the live version until publish.
    assert (moved.category, moved.status, moved.has_unpublished_changes) == (
        travel,
        Status.PUBLISHED,
        True,
    )
    assert Article.objects.get(pk=foreign.pk).category is None
    assert "Article “Ailleurs”" in titles(page)
    assert "category: The category belongs to another locale." in titles(page)


def test_schedule_and_trash_in_bulk(editor_client, django_capture_on_commit_callbacks):
    one, two = ArticleFactory(), ArticleFactory(published=True)
    capture = django_capture_on_commit_callbacks
    bulk_post(
        editor_client,
        Article,
        "schedule",
        ids=[one.pk],
        capture=capture,
        publish_at_0="2099-01-01",
        publish_at_1="10:00:00",
    )
    scheduled = Article.objects.get(pk=one.pk)
    assert (scheduled.status, scheduled.publish_at.year) == (Status.SCHEDULED, 2099)
    ask = bulk_post(editor_client, Article, "trash", ids=[one.pk, two.pk], apply=False)
    assert "Live items go offline at once" in titles(ask)
    bulk_post(editor_client, Article, "trash", ids=[one.pk, two.pk], capture=capture)
    assert Article.objects.filter(deleted_at__isnull=False).count() == 2
    trash = Article.objects.get(pk=two.pk)
    assert trash.live_revision_id is None


def test_pages_are_offered_no_category_or_tags(editor_client):
    PageFactory()
    response = editor_client.get(changelist(Page))
    actions = dict(response.context["action_form"].fields["action"].choices)
    assert {"bulk_publish", "bulk_owner"} <= set(actions)
    assert not {"bulk_category", "bulk_add_tags", "bulk_remove_tags"} & set(actions)
    articles = dict(
        editor_client.get(changelist(Article)).context["action_form"].fields["action"].choices
    )
    assert {"bulk_category", "bulk_add_tags", "bulk_remove_tags", "bulk_reject"} <= set(articles)


# --- Permissions -------------------------------------------------------------------------------


def test_an_author_cannot_bulk_publish(client, users, django_capture_on_commit_callbacks):
    author = users["Author"]
    mine = ArticleFactory(owner=author)
    client.force_login(author)
    actions = dict(client.get(changelist(Article)).context["action_form"].fields["action"].choices)
    assert "bulk_submit" in actions
    assert not {"bulk_publish", "bulk_schedule", "bulk_owner", "bulk_reject"} & set(actions)
    bulk_post(client, Article, "publish", ids=[mine.pk], capture=django_capture_on_commit_callbacks)
    assert not BulkJob.objects.exists()
    assert Article.objects.get(pk=mine.pk).status == Status.DRAFT
    with pytest.raises(PermissionDenied):
        bulk_job_create(actor=author, model=Article, action="publish", item_ids=[mine.pk])


def test_an_item_the_actor_may_not_change_is_a_refusal(
    client, users, django_capture_on_commit_callbacks
):
    author = users["Author"]
    mine = ArticleFactory(owner=author, title="Mine")
    theirs = ArticleFactory(owner=users["Editor"], title="Theirs")
    client.force_login(author)
    page = bulk_post(
        client,
        Article,
        "submit",
        ids=[mine.pk, theirs.pk],
        capture=django_capture_on_commit_callbacks,
    )
    assert Article.objects.get(pk=mine.pk).status == Status.IN_REVIEW
    assert Article.objects.get(pk=theirs.pk).status == Status.DRAFT
    assert "Article “Theirs”</a>: You may edit only your own drafts." in titles(page)


# --- Bad input ---------------------------------------------------------------------------------


def test_bad_input_is_refused_before_anything_runs(editor_client, users, settings):
    article, page = ArticleFactory(), PageFactory()
    editor = users["Editor"]
    cases = [
        ({"model": Article, "action": "explode", "item_ids": [article.pk]}, "action"),
        ({"model": Page, "action": "category", "item_ids": [page.pk]}, "action"),
        ({"model": Article, "action": "publish", "item_ids": []}, "item_ids"),
        ({"model": Article, "action": "publish", "item_ids": ["1"]}, "item_ids"),
        ({"model": Article, "action": "reject", "item_ids": [article.pk]}, "comment"),
        (
            {
                "model": Article,
                "action": "add_tags",
                "item_ids": [article.pk],
                "parameters": {"tags": [999999]},
            },
            "tags",
        ),
        (
            {
                "model": Article,
                "action": "schedule",
                "item_ids": [article.pk],
                "parameters": {"publish_at": "2001-01-01T00:00:00+00:00"},
            },
            "publish_at",
        ),
        (
            {
                "model": Article,
                "action": "owner",
                "item_ids": [article.pk],
                "parameters": {"owner": "me"},
            },
            "owner",
        ),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as refused:
            bulk_job_create(actor=editor, **kwargs)
        assert field in refused.value.message_dict, (kwargs, refused.value)
    settings.BULK_JOB_MAX_ITEMS = 1
    with pytest.raises(ValidationError, match="narrow the filter"):
        bulk_job_create(
            actor=editor, model=Article, action="publish", item_ids=[article.pk, article.pk + 1]
        )
    assert not BulkJob.objects.exists()


def test_reject_without_a_comment_asks_again(
    editor_client, users, django_capture_on_commit_callbacks
):
    article = ArticleFactory(in_review=True)
    response = bulk_post(
        editor_client,
        Article,
        "reject",
        ids=[article.pk],
        capture=django_capture_on_commit_callbacks,
        comment="  ",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["comment"] == ["A rejection needs a comment."]
    assert not BulkJob.objects.exists()


def test_too_many_matching_items_are_refused_on_the_confirmation_page(editor_client, settings):
    settings.BULK_JOB_MAX_ITEMS = 2
    for _ in range(3):
        ArticleFactory()
    ask = bulk_post(editor_client, Article, "publish", apply=False)
    assert ask.context["too_many"] is True
    assert "Narrow the filter" in titles(ask)
    assert "data-bulk-start" not in titles(ask)


# --- Running -----------------------------------------------------------------------------------


def test_a_job_runs_each_item_once_however_often_it_is_run(users):
    one, two = ArticleFactory(), ArticleFactory()
    editor = users["Editor"]
    job = bulk_job_create(actor=editor, model=Article, action="publish", item_ids=[one.pk, two.pk])
    # Not committed in this test, so not run yet: run it by hand, twice (a resend).
    assert BulkJob.objects.get(pk=job.pk).status == BulkJobStatus.PENDING
    bulk_job_run(job_id=job.pk)
    services.entry_update(entry=one, actor=editor, data={"title": "Changed after"})
    again = bulk_job_run(job_id=job.pk)
    assert (again.done, again.refused, again.status) == (2, 0, BulkJobStatus.FINISHED)
    assert AuditEvent.objects.filter(action="article.publish").count() == 2
    assert Article.objects.get(pk=one.pk).has_unpublished_changes  # not published twice
