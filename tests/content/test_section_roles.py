"""Section-limited roles: a role granted within a scope holds only on the scope's items,
through the management API, the admin and the services alike (content.permissions)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from content import services
from content.models import Article, Locale, Page, Status
from content.services.grants import role_grant_create
from governance.workflows.configuration import comment_create
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error
from tests.content.bulk_helpers import bulk_post, last_job
from tests.content.factories import ArticleFactory, PageFactory, make_category

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(db) -> dict:
    news = make_category("News")
    world = make_category("World", parent=news)
    sport = make_category("Sport")
    return {"news": news, "world": world, "sport": sport}


def grant(role: str, *, user=None, group=None, **scope):
    """A grant written as the system (the services' own checks are tested below)."""
    data = {"user": user, "group": group, "role": role, **scope}
    return role_grant_create(actor=None, data=data)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:content_{name}", args=args)


@pytest.fixture
def news_editor(sections):
    """No role of its own: Editor of "News" (and the categories below it) only."""
    user = UserFactory(email="news-editor@example.com")
    grant("Editor", user=user, category=sections["news"])
    return user


@pytest.fixture
def articles(sections) -> dict:
    return {
        "news": ArticleFactory(title="Budget", category=sections["news"]),
        "world": ArticleFactory(title="Summit", category=sections["world"]),
        "sport": ArticleFactory(title="Final", category=sections["sport"]),
        "none": ArticleFactory(title="Uncategorised"),
    }


# --- The management API --------------------------------------------------------------------


def test_a_section_editor_lists_only_its_section_and_below(news_editor, articles):
    response = api(news_editor).get("/api/v1/articles/?limit=100")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {articles["news"].pk, articles["world"].pk}
    # A grant on categories covers no page.
    assert api(news_editor).get("/api/v1/pages/").json()["results"] == []


def test_a_section_editor_edits_and_publishes_inside_it(news_editor, articles):
    client, news = api(news_editor), articles["news"]
    edited = client.patch(
        f"/api/v1/articles/{news.pk}/", {"title": "Budget day", "version": 1}, format="json"
    )
    assert edited.status_code == 200, edited.content
    published = client.post(f"/api/v1/articles/{news.pk}/publish/")
    assert published.status_code == 200, published.content
    assert Article.objects.get(pk=news.pk).status == Status.PUBLISHED


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("patch", "", {"title": "Mine now", "version": 1}),
        ("post", "publish/", None),
        ("post", "trash/", None),
        ("get", "revisions/", None),
    ],
)
def test_a_section_editor_gets_403_outside_it(news_editor, articles, method, suffix, body):
    sport = articles["sport"]
    response = getattr(api(news_editor), method)(
        f"/api/v1/articles/{sport.pk}/{suffix}", body, format="json"
    )
    assert_error(response, 403)
    after = Article.objects.get(pk=sport.pk)
    assert (after.title, after.status, after.deleted_at) == ("Final", Status.DRAFT, None)


def test_a_section_editor_creates_only_inside_it(news_editor, sections):
    client = api(news_editor)
    inside = client.post(
        "/api/v1/articles/", {"title": "Inside", "category": sections["world"].pk}, format="json"
    )
    assert inside.status_code == 201, inside.content
    for outside in ({"title": "Out", "category": sections["sport"].pk}, {"title": "Nowhere"}):
        assert_error(client.post("/api/v1/articles/", outside, format="json"), 403)
    assert not Article.objects.filter(title__in=["Out", "Nowhere"]).exists()


def test_a_section_editor_cannot_move_an_article_out(news_editor, articles, sections):
    news = articles["news"]
    response = api(news_editor).patch(
        f"/api/v1/articles/{news.pk}/",
        {"category": sections["sport"].pk, "version": 1},
        format="json",
    )
    assert_error(response, 403)
    assert Article.objects.get(pk=news.pk).category_id == sections["news"].pk
    # Within the section is fine.
    moved = api(news_editor).patch(
        f"/api/v1/articles/{news.pk}/",
        {"category": sections["world"].pk, "version": 1},
        format="json",
    )
    assert moved.status_code == 200, moved.content


def test_the_services_hold_the_same_limit(news_editor, articles, sections):
    with pytest.raises(PermissionDenied):
        services.entry_publish(entry=articles["sport"], actor=news_editor)
    with pytest.raises(PermissionDenied):
        services.entry_create(
            model=Article, actor=news_editor, data={"title": "X", "category": sections["sport"]}
        )
    with pytest.raises(PermissionDenied):
        services.preview_link_create(entry=articles["sport"], actor=news_editor)
    with pytest.raises(PermissionDenied):
        comment_create(entry=articles["sport"], actor=news_editor, body="Mine?")
    services.entry_publish(entry=articles["world"], actor=news_editor)
    assert services.preview_link_create(entry=articles["world"], actor=news_editor)["token"]
    assert comment_create(entry=articles["world"], actor=news_editor, body="Fine").pk


def test_a_page_subtree_author(sections):
    docs = PageFactory(title="Docs")
    guide = PageFactory(title="Guide", parent=docs.pk)
    about = PageFactory(title="About")
    author = UserFactory(email="docs-author@example.com")
    grant("Author", user=author, page_subtree=docs)
    client = api(author)

    listed = {row["id"] for row in client.get("/api/v1/pages/").json()["results"]}
    assert listed == {docs.pk, guide.pk}
    created = client.post("/api/v1/pages/", {"title": "FAQ", "parent": guide.pk}, format="json")
    assert created.status_code == 201, created.content
    page_id = created.json()["id"]
    assert (
        client.patch(
            f"/api/v1/pages/{page_id}/", {"title": "FAQs", "version": 1}, format="json"
        ).status_code
        == 200
    )
    # An Author: no publishing, even inside; no pages outside the subtree.
    assert_error(client.post(f"/api/v1/pages/{page_id}/publish/"), 403)
    assert_error(client.post("/api/v1/pages/", {"title": "Root"}, format="json"), 403)
    assert_error(
        client.post("/api/v1/pages/", {"title": "X", "parent": about.pk}, format="json"), 403
    )
    # Moving its own page out of the subtree is refused; within it, allowed.
    assert_error(
        client.post(f"/api/v1/pages/{page_id}/move/", {"parent": about.pk}, format="json"), 403
    )
    assert Page.objects.get(pk=page_id).parent_id == guide.pk
    moved = client.post(f"/api/v1/pages/{page_id}/move/", {"parent": docs.pk}, format="json")
    assert moved.status_code == 200, moved.content


def test_a_locale_grant_covers_every_type_in_that_locale():
    french = Locale.objects.create(code="fr", name="Français")
    ours = [ArticleFactory(locale=french.pk), PageFactory(locale=french.pk)]
    ArticleFactory(), PageFactory()
    editor = UserFactory(email="fr-editor@example.com")
    grant("Editor", user=editor, locale=french)
    client = api(editor)
    assert [r["id"] for r in client.get("/api/v1/articles/").json()["results"]] == [ours[0].pk]
    assert [r["id"] for r in client.get("/api/v1/pages/").json()["results"]] == [ours[1].pk]
    assert client.post(f"/api/v1/pages/{ours[1].pk}/publish/").status_code == 200
    created = client.post("/api/v1/articles/", {"title": "Salut", "locale": "fr"}, format="json")
    assert created.status_code == 201, created.content
    assert_error(client.post("/api/v1/articles/", {"title": "Hello"}, format="json"), 403)


def test_a_group_grant_holds_for_its_members(sections, articles):
    desk = Group.objects.create(name="Sport desk")
    grant("Editor", group=desk, category=sections["sport"])
    member, outsider = UserFactory(), UserFactory()
    member.groups.add(desk)
    listed = [r["id"] for r in api(member).get("/api/v1/articles/").json()["results"]]
    assert listed == [articles["sport"].pk]
    assert api(member).post(f"/api/v1/articles/{articles['sport'].pk}/publish/").status_code == 200
    assert_error(api(outsider).get("/api/v1/articles/"), 403)


def test_a_section_reviewer_reviews_only_its_section(sections):
    reviewer = UserFactory(email="news-reviewer@example.com")
    grant("Reviewer", user=reviewer, category=sections["news"])
    inside = ArticleFactory(category=sections["news"], in_review=True)
    outside = ArticleFactory(category=sections["sport"], in_review=True)
    client = api(reviewer)
    assert (
        client.post(f"/api/v1/articles/{inside.pk}/approve/", {}, format="json").status_code == 200
    )
    assert_error(client.post(f"/api/v1/articles/{outside.pk}/approve/", {}, format="json"), 403)
    # A Reviewer edits nothing, even inside.
    assert_error(
        client.patch(f"/api/v1/articles/{inside.pk}/", {"title": "T", "version": 1}, format="json"),
        403,
    )


def test_a_grant_opens_nothing_beyond_content(news_editor, sections):
    client = api(news_editor)
    for url in ("/api/v1/users/", "/api/v1/api-keys/", "/api/v1/role-grants/"):
        assert_error(client.get(url), 403)
    # What has no section stays with the global roles: reading yes, changing no.
    assert client.get("/api/v1/categories/").status_code == 200
    assert_error(client.post("/api/v1/categories/", {"name": "Mine"}, format="json"), 403)
    assert_error(
        client.patch(f"/api/v1/categories/{sections['sport'].pk}/", {"name": "X"}, format="json"),
        403,
    )


# --- The admin -----------------------------------------------------------------------------


def test_admin_changelist_and_forms_follow_the_section(client, news_editor, articles):
    client.force_login(news_editor)
    response = client.get(admin_url("article_changelist"))
    assert response.status_code == 200
    shown = {a.pk for a in response.context["cl"].result_list}
    assert shown == {articles["news"].pk, articles["world"].pk}

    news, sport = articles["news"], articles["sport"]
    assert client.get(admin_url("article_change", news.pk)).status_code == 200
    # Outside the section the item is not found: Django sends the user back to the index.
    outside = client.get(admin_url("article_change", sport.pk))
    assert outside.status_code == 302
    assert outside["Location"] == reverse("admin:index")
    posted = client.post(admin_url("article_transition", sport.pk, "publish"))
    assert posted.status_code == 404
    assert Article.objects.get(pk=sport.pk).status == Status.DRAFT

    client.post(admin_url("article_transition", news.pk, "publish"))
    assert Article.objects.get(pk=news.pk).status == Status.PUBLISHED


def test_admin_bulk_actions_skip_what_is_outside(
    client, news_editor, articles, django_capture_on_commit_callbacks
):
    client.force_login(news_editor)
    ids = [articles["world"].pk, articles["sport"].pk]
    bulk_post(client, Article, "publish", ids=ids, capture=django_capture_on_commit_callbacks)
    assert last_job().item_ids == [articles["world"].pk]
    # The changelist's queryset holds only the section: the Sport article is not acted on.
    assert Article.objects.get(pk=articles["world"].pk).status == Status.PUBLISHED
    assert Article.objects.get(pk=articles["sport"].pk).status == Status.DRAFT


def test_admin_users_and_governance_stay_closed(client, news_editor):
    client.force_login(news_editor)
    for name in (
        "admin:accounts_user_changelist",
        "admin:accounts_apikey_changelist",
        "admin:governance_workflow_add",
        "admin:content_rolegrant_changelist",
        "admin:content_category_add",
    ):
        assert client.get(reverse(name)).status_code == 403, name


def test_reports_and_the_dashboard_show_only_the_section(client, news_editor, articles):
    Article.objects.update(next_review_at=timezone.now() - timedelta(days=1))
    rows = api(news_editor).get("/api/v1/governance/reports/overdue-reviews/").json()["results"]
    assert {row["id"] for row in rows} == {articles["news"].pk, articles["world"].pk}

    client.force_login(news_editor)
    response = client.get(reverse("governance-dashboard"))
    assert response.status_code == 200
    counts = response.context["status_counts"]["article"]
    assert {status: tally.value for status, tally in counts.items() if tally} == {Status.DRAFT: 2}
    assert {row["id"] for row in response.context["overdue"]} == {
        articles["news"].pk,
        articles["world"].pk,
    }


def test_grants_add_up_each_with_its_own_role(news_editor, articles, sections):
    grant("Viewer", user=news_editor, category=sections["sport"])
    client = api(news_editor)
    listed = {row["id"] for row in client.get("/api/v1/articles/").json()["results"]}
    assert listed == {articles["news"].pk, articles["world"].pk, articles["sport"].pk}
    assert client.get(f"/api/v1/articles/{articles['sport'].pk}/").status_code == 200
    sport = f"/api/v1/articles/{articles['sport'].pk}/"
    assert_error(client.patch(sport, {"title": "X", "version": 1}, format="json"), 403)
    news = f"/api/v1/articles/{articles['news'].pk}/"
    assert client.patch(news, {"title": "X", "version": 1}, format="json").status_code == 200


def test_a_grant_on_a_whole_type_is_not_lost_beside_a_section_grant(articles, sections):
    viewer = UserFactory(email="article-viewer@example.com")
    grant("Viewer", user=viewer, content_types=["article"])
    grant("Viewer", user=viewer, category=sections["sport"])
    listed = {row["id"] for row in api(viewer).get("/api/v1/articles/").json()["results"]}
    assert listed == {article.pk for article in articles.values()}
