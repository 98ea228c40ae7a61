"""Workflows and policies share one scope (content.scope): the locale part, the rules both
validate with, the API and admin fields that keep their names, and the migration that
carried the old scopes over."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from content.models import Locale
from governance.models import ContentPolicy, Workflow, WorkflowStep
from governance.policies.evaluation import policies_evaluate
from governance.workflows.routing import workflow_for
from tests.content.factories import ArticleFactory, PageFactory, make_category
from tests.governance import workflow_fixtures

users = workflow_fixtures.users
client_for = workflow_fixtures.client_for
admin_for = workflow_fixtures.admin_for

WORKFLOWS = "/api/v1/governance/workflows/"
POLICIES = "/api/v1/governance/policies/"
STEPS = [{"role": "Editor"}]


@pytest.fixture
def french(db) -> Locale:
    return Locale.objects.create(code="fr", name="Français")


@pytest.mark.django_db
def test_a_workflow_limited_to_a_locale_beats_one_for_its_type(client_for, french):
    created = client_for("Administrator").post(
        WORKFLOWS, {"name": "French desk", "locale": french.pk, "steps": STEPS}, format="json"
    )
    assert created.status_code == 201, created.content
    shown = {k: created.json()[k] for k in ("content_types", "page", "category", "locale")}
    assert shown == {"content_types": [], "page": None, "category": None, "locale": french.pk}
    desk = Workflow.objects.get(name="French desk")
    assert workflow_for(ArticleFactory(locale=french)) == desk
    assert workflow_for(PageFactory(locale=french)) == desk
    assert workflow_for(ArticleFactory()).name == "Standard review"


@pytest.mark.django_db
def test_an_unassigned_workflow_applies_to_nothing():
    Workflow.objects.filter(name="Standard review").update(is_active=False)
    idle = Workflow.objects.create(name="Idle")
    WorkflowStep.objects.create(workflow=idle, order=1, role="Reviewer")
    assert workflow_for(ArticleFactory()) is None


@pytest.mark.django_db
def test_workflows_validate_their_scope_whole(client_for):
    admin = client_for("Administrator")
    about = PageFactory(title="About")
    news = make_category("News")
    both = {"name": "Both", "page": about.pk, "category": news.pk, "steps": STEPS}
    refused = admin.post(WORKFLOWS, both, format="json")
    assert refused.status_code == 400
    assert "not both" in refused.json()["error"]["details"]["category"][0]
    wrong_type = {"name": "Wrong", "page": about.pk, "content_types": ["article"], "steps": STEPS}
    assert "page" in admin.post(WORKFLOWS, wrong_type, format="json").json()["error"]["details"]
    created = admin.post(WORKFLOWS, {"name": "About", "page": about.pk, "steps": STEPS})
    assert created.status_code == 201, created.content
    # A change is checked against the parts it leaves as they are.
    url = f"{WORKFLOWS}{created.json()['id']}/"
    assert admin.patch(url, {"category": news.pk}, format="json").status_code == 400
    moved = admin.patch(url, {"category": news.pk, "page": None}, format="json")
    assert (moved.json()["page"], moved.json()["category"]) == (None, news.pk)


@pytest.mark.django_db
def test_a_policy_limited_to_a_locale_and_its_scope_in_the_api(client_for, french):
    admin = client_for("Administrator")
    body = {"name": "Pas de jargon", "kind": "banned_terms", "params": {"terms": ["class"]}}
    created = admin.post(POLICIES, {**body, "locale": french.pk}, format="json")
    assert created.status_code == 201, created.content
    shown = {k: created.json()[k] for k in ("content_types", "category", "page_subtree", "locale")}
    assert shown == {
        "content_types": [],
        "category": None,
        "page_subtree": None,
        "locale": french.pk,
    }
    english = ArticleFactory(title="Top class")
    assert policies_evaluate(entry=english, revision=english.latest_revision) == []
    article = ArticleFactory(title="Top class", locale=french)
    [result] = policies_evaluate(entry=article, revision=article.latest_revision)
    assert result.policy.name == "Pas de jargon"
    url = f"{POLICIES}{created.json()['id']}/"
    assert admin.patch(url, {"locale": None}, format="json").json()["locale"] is None
    page = PageFactory(title="class")
    refused = admin.patch(
        url, {"content_types": ["article"], "page_subtree": page.pk}, format="json"
    )
    assert refused.status_code == 400
    assert "page_subtree" in refused.json()["error"]["details"]


@pytest.mark.django_db
def test_the_admin_forms_post_the_scope_under_the_api_names(admin_for, french):
    admin = admin_for("Administrator")
    news = make_category("News")
    page_type = ContentType.objects.get(app_label="content", model="page")
    steps = {
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "1",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-order": "1",
        "steps-0-role": "Reviewer",
        "steps-0-approvals_required": "1",
    }
    data = {"name": "News desk", "is_active": "on", "category": news.pk, "locale": french.pk}
    response = admin.post("/admin/governance/workflow/add/", {**data, **steps})
    assert response.status_code == 302, response.content.decode()[:2000]
    desk = Workflow.objects.get(name="News desk")
    assert (desk.scope_category, desk.scope_locale, desk.scope_types) == (news, french, [])
    form = admin.get(f"/admin/governance/workflow/{desk.pk}/change/").context["adminform"].form
    assert form.initial["category"] == news.pk
    assert form.initial["locale"] == french.pk
    listed = admin.get("/admin/governance/workflow/").content.decode()
    assert "Category News and below in fr" in listed
    refused = admin.post(
        "/admin/governance/workflow/add/",
        {**data, **steps, "name": "Pages in news", "content_types": [page_type.pk]},
    )
    assert refused.status_code == 200
    assert "Only article items have a category." in refused.content.decode()
    assert not Workflow.objects.filter(name="Pages in news").exists()

    about = PageFactory(title="About")
    policy = {"name": "No jargon", "kind": "banned_terms", "severity": "block"}
    policy |= {"params": '{"terms": ["synergy"]}', "is_active": "on"}
    added = admin.post(
        "/admin/governance/contentpolicy/add/",
        {**policy, "content_types": ["page"], "page_subtree": about.pk, "locale": french.pk},
    )
    assert added.status_code == 302, added.content.decode()[:2000]
    saved = ContentPolicy.objects.get(name="No jargon")
    assert (saved.scope_types, saved.scope_page, saved.scope_locale) == (["page"], about, french)
    form = admin.get(f"/admin/governance/contentpolicy/{saved.pk}/change/").context["adminform"]
    assert form.form.initial["page_subtree"] == about.pk
    assert form.form.initial["content_types"] == ["page"]


# --- The migration ----------------------------------------------------------------------

BEFORE = [("governance", "0011_audit_truncate_guard_and_anchor_schedule")]


def _migrate(targets):
    return MigrationExecutor(connection).migrate(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_todays_scopes_over_and_back():
    about = PageFactory(title="About")
    news = make_category("News")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("governance")
    try:
        old = _migrate(BEFORE)
        types = {
            name: old.get_model("contenttypes", "ContentType").objects.get_or_create(
                app_label=app, model=name
            )[0]
            for app, name in (("content", "article"), ("content", "page"), ("auth", "user"))
        }
        OldWorkflow = old.get_model("governance", "Workflow")
        by_type = OldWorkflow.objects.create(name="By type")
        by_type.content_types.set([types["page"], types["article"]])
        OldWorkflow.objects.create(name="Under about", page_id=about.pk)
        odd = OldWorkflow.objects.create(name="Odd", category_id=news.pk)
        odd.content_types.set([types["user"]])
        old.get_model("governance", "ContentPolicy").objects.create(
            name="Pages under about",
            kind="banned_terms",
            content_types=["page"],
            page_subtree_id=about.pk,
        )
        new = _migrate(latest)
        workflows = {
            w.name: (w.scope_types, w.scope_page_id, w.scope_category_id, w.scope_locale_id)
            for w in new.get_model("governance", "Workflow").objects.all()
        }
        assert workflows["By type"] == (["article", "page"], None, None, None)
        assert workflows["Under about"] == ([], about.pk, None, None)
        # A type that was never an entry's keeps matching nothing.
        assert workflows["Odd"] == (["auth.user"], None, news.pk, None)
        policy = new.get_model("governance", "ContentPolicy").objects.get()
        assert (policy.scope_types, policy.scope_page_id) == (["page"], about.pk)

        back = _migrate(BEFORE)
        again = {w.name: w for w in back.get_model("governance", "Workflow").objects.all()}
        assert sorted(t.model for t in again["By type"].content_types.all()) == ["article", "page"]
        assert [(t.app_label, t.model) for t in again["Odd"].content_types.all()] == [
            ("auth", "user")
        ]
        assert again["Under about"].page_id == about.pk
        assert back.get_model("governance", "ContentPolicy").objects.get().page_subtree_id == (
            about.pk
        )
    finally:
        _migrate(latest)
