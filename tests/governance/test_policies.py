"""Content policies: every rule kind, blocking submit/publish, overrides, the API, link checks."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import ROLE_NAMES
from content import services as content_services
from content.models import Article, Status
from governance.models import (
    AuditEvent,
    ContentPolicy,
    ExternalLinkCheck,
    PolicyOverride,
    PolicyResult,
)
from governance.policies.configuration import policy_create
from governance.policies.evaluation import policies_evaluate
from governance.policies.kinds import params_clean, rule_check
from governance.policies.kinds.links import url_hash
from governance.policies.kinds.personal_data import find_personal_data, iban_valid, luhn_valid
from governance.policies.kinds.readability import flesch_reading_ease
from governance.policies.link_checks import external_links_check
from governance.policies.selectors import policy_results_for
from governance.policies.services import (
    PolicyViolationError,
    ensure_policies_pass,
    policy_override_create,
)
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory, PageFactory, make_image
from tests.governance.policy_fixtures import banned
from tests.loopback import LoopbackServer, QuietHandler

pytestmark = pytest.mark.django_db


@pytest.fixture
def users() -> dict:
    return {
        role: UserFactory(role=role, email=f"{role.lower()}@example.com") for role in ROLE_NAMES
    }


@pytest.fixture
def client_for(users):
    def make(role: str) -> APIClient:
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(users[role])
        return client

    return make


def check(kind: str, snapshot: dict, params: dict | None = None) -> list[dict]:
    return [v.as_dict() for v in rule_check(kind, snapshot, params_clean(kind, params or {}))]


def para(text: str) -> dict:
    return {"type": "paragraph", "value": {"text": text}}


def heading(level: int, text: str = "Heading") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level}}


# --- Rules ------------------------------------------------------------------------------


def test_required_fields():
    params = {"fields": ["summary", "seo_title"]}
    found = check("required_fields", {"summary": "  ", "seo_title": "SEO"}, params)
    assert found == [
        {"field": "summary", "rule": "required_fields", "message": "Summary is required."}
    ]
    assert check("required_fields", {"summary": "S", "seo_title": "T"}, params) == []
    # A page has no summary: the field is skipped, not reported.
    assert check("required_fields", {"seo_title": "T"}, params) == []
    with pytest.raises(ValidationError):
        params_clean("required_fields", {"fields": ["nope"]})


def test_length_limits():
    params = {"title": {"max": 10}, "summary": {"min": 5}}
    found = check("length_limits", {"title": "A very long title", "summary": "abc"}, params)
    assert {v["field"] for v in found} == {"title", "summary"}
    assert "at most 10" in found[0]["message"]
    assert check("length_limits", {"title": "Short", "summary": "Long enough"}, params) == []
    with pytest.raises(ValidationError):
        params_clean("length_limits", {"title": {"min": 9, "max": 3}})


def test_banned_terms_match_whole_words_case_insensitively():
    params = {"terms": ["class", "click here"]}
    assert check("banned_terms", {"title": "A classic subclass, classes"}, params) == []
    found = check(
        "banned_terms",
        {"title": "First CLASS", "body": [para("Please <strong>Click   here</strong>.")]},
        params,
    )
    assert [(v["field"], v["rule"]) for v in found] == [
        ("title", "banned_terms"),
        ("body[1]", "banned_terms"),
    ]
    assert "“class”" in found[0]["message"]


def test_image_alt_text():
    with_alt = make_image()
    without_alt = make_image()
    without_alt.alt_text = ""
    without_alt.save()
    body = [
        {"type": "image", "value": {"image": with_alt.pk, "alt": ""}},  # the asset has alt
        {"type": "image", "value": {"image": without_alt.pk, "alt": "Block alt"}},
        {"type": "image", "value": {"image": without_alt.pk, "alt": ""}},
    ]
    found = check("image_alt_text", {"body": body, "cover_image": without_alt.pk})
    assert [v["field"] for v in found] == ["body[3]", "cover_image"]
    assert check("image_alt_text", {"body": body[:2], "cover_image": with_alt.pk}) == []


def test_heading_order():
    assert check("heading_order", {"body": [heading(2), heading(3), heading(2), heading(3)]}) == []
    found = check("heading_order", {"body": [heading(2), para("x"), heading(4)]})
    assert found == [
        {
            "field": "body[3]",
            "rule": "heading_order",
            "message": "Heading level 4 follows level 2; use level 3.",
        }
    ]
    assert [v["field"] for v in check("heading_order", {"body": [heading(3)]})] == ["body[1]"]


def test_luhn_and_iban_checksums():
    assert luhn_valid("4111111111111111")
    assert luhn_valid("79927398713")
    assert not luhn_valid("4111111111111112")
    assert iban_valid("DE89 3704 0044 0532 0130 00")
    assert iban_valid("GB82WEST12345698765432")
    assert not iban_valid("DE89 3704 0044 0532 0130 01")
    assert not iban_valid("GB82WEST1234569876543")  # one character short


def test_personal_data_found():
    text = (
        "Mail jane.doe@example.org or call +44 20 7946 0958 / (555) 123-4567. "
        "Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00."
    )
    kinds = sorted(kind for kind, _ in find_personal_data(text))
    assert kinds == ["card", "email", "iban", "phone", "phone"]
    found = check("personal_data", {"summary": text})
    assert all(v["field"] == "summary" and v["rule"] == "personal_data" for v in found)
    # Messages mask what they found.
    assert not any("jane.doe" in v["message"] or "4111 1111" in v["message"] for v in found)


@pytest.mark.parametrize(
    "text",
    [
        "In 2023 we served 1500000 readers for 19.99 a month.",
        "Released on 2024-01-15 and 15/01/2024, version 3.14159 2.71828.",
        "The server at 192.168.10.20 answered.",
        "Order 4111 1111 1111 1112 is not a card: the checksum fails.",
        "Account DE89 3704 0044 0532 0130 01 fails mod 97.",
    ],
)
def test_personal_data_ignores_plain_numbers(text):
    assert find_personal_data(text) == []


def test_personal_data_allow_list_and_detectors():
    text = "Write to press@folio.example or 4111 1111 1111 1111."
    params = {"allow": ["folio.example"], "detect": ["email", "card"]}
    found = check("personal_data", {"summary": text}, params)
    assert len(found) == 1
    assert "payment card" in found[0]["message"]
    assert check("personal_data", {"summary": text}, {"detect": ["phone"]}) == []


def test_broken_internal_links():
    page = PageFactory(title="About", slug="about", published=True)
    draft = PageFactory(title="Draft", slug="draft")
    snapshot = {
        "locale": "en",
        "body": [
            para(f'<a href="{page.url_path}">about</a> and <a href="/about#team">team</a>'),
            para('<a href="/nowhere/">gone</a> <a href="/media/file.pdf">file</a>'),
            para(f'<a href="{draft.url_path}">draft</a> <a href="https://example.com/">x</a>'),
        ],
    }
    found = check("broken_internal_links", snapshot)
    assert [(v["field"], v["message"]) for v in found] == [
        ("body[2]", "The link /nowhere/ leads to no published page or article."),
        ("body[3]", f"The link {draft.url_path} leads to no published page or article."),
    ]
    assert len(check("broken_internal_links", snapshot, {"allow_drafts": True})) == 1


def test_external_links_report_the_last_known_state():
    snapshot = {"body": [para('<a href="https://gone.example/x">x</a>')]}
    assert check("external_links", snapshot) == []  # not checked yet: nothing known
    ExternalLinkCheck.objects.create(
        url="https://gone.example/x",
        url_hash=url_hash("https://gone.example/x"),
        ok=False,
        status_code=404,
        checked_at=timezone.now(),
    )
    found = check("external_links", snapshot)
    assert len(found) == 1
    assert "HTTP 404" in found[0]["message"]
    assert check("external_links", snapshot, {"ignore_domains": ["gone.example"]}) == []


def test_readability():
    easy = " ".join(["The cat sat on the mat. It was a good day."] * 5)
    hard = " ".join(
        [
            "Notwithstanding organisational considerations, institutional "
            "implementation methodologies necessitate comprehensive interdepartmental "
            "coordination, particularly regarding administrative accountability."
        ]
        * 3
    )
    assert flesch_reading_ease(easy) > 90
    assert flesch_reading_ease(hard) < 0
    assert check("readability", {"body": [para(easy)]}, {"min_score": 60}) == []
    found = check("readability", {"body": [para(hard)]}, {"min_score": 60, "min_words": 10})
    assert found[0]["field"] == "body"
    assert found[0]["rule"] == "readability"
    # Too short to judge.
    assert check("readability", {"body": [para("Notwithstanding institutionalisation.")]}) == []


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("banned_terms", {}),
        ("banned_terms", {"terms": "class"}),
        ("required_fields", {"fields": []}),
        ("length_limits", {"title": {"max": -1}}),
        ("image_alt_text", {"extra": 1}),
        ("personal_data", {"detect": ["ssn"]}),
        ("readability", {"min_score": "high"}),
        ("external_links", {"timeout": 600}),
        ("broken_internal_links", {"allow_drafts": "yes"}),
        ("heading_order", {"start_level": 9}),
        ("nonsense", {}),
        ("banned_terms", ["class"]),
    ],
)
def test_bad_params_are_refused(kind, params):
    with pytest.raises(ValidationError):
        params_clean(kind, params)


# --- Services ---------------------------------------------------------------------------


def test_results_are_stored_per_revision_and_idempotent():
    policy = banned()
    article = ArticleFactory(title="A class act")
    first = policies_evaluate(entry=article, revision=article.latest_revision)
    again = policies_evaluate(entry=article, revision=article.latest_revision)
    assert [r.pk for r in first] == [r.pk for r in again]
    result = PolicyResult.objects.get(revision=article.latest_revision, policy=policy)
    assert not result.passed
    assert result.violations == [
        {"field": "title", "rule": "banned_terms", "message": "Uses the banned term “class”."}
    ]
    panel = policy_results_for(article)
    assert panel["status"] == "block"
    assert panel["results"][0]["violations"] == result.violations


def test_scope_by_type_and_section():
    from tests.content.factories import make_category

    news = make_category("News")
    banned(content_types=["page"])
    banned(name="News only", category=news)
    article = ArticleFactory(title="class")
    assert policies_evaluate(entry=article, revision=article.latest_revision) == []
    content_services.entry_update(
        entry=article, actor=None, data={"category": news.pk}, expected_version=article.version
    )
    article.refresh_from_db()
    results = policies_evaluate(entry=article, revision=article.latest_revision)
    assert [r.policy.name for r in results] == ["News only"]
    page = PageFactory(title="class")
    assert [
        r.policy.name for r in policies_evaluate(entry=page, revision=page.latest_revision)
    ] == ["No jargon"]


def test_a_policy_on_a_parent_category_covers_its_child_categories():
    from tests.content.factories import make_category

    legal = make_category("Legal")
    contracts = make_category("Contracts", parent=legal)
    banned(name="Legal wording", category=legal)
    article = ArticleFactory(title="Top class", category=contracts.pk)
    with pytest.raises(PolicyViolationError) as caught:
        content_services.entry_publish(entry=article, actor=None)
    assert caught.value.details["violations"][0]["policy"] == "Legal wording"
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    elsewhere = ArticleFactory(title="Top class", category=make_category("Sport").pk)
    content_services.entry_publish(entry=elsewhere, actor=None)
    assert Article.objects.get(pk=elsewhere.pk).status == Status.PUBLISHED


def test_blocking_violation_stops_submit_and_publish_until_fixed():
    banned()
    article = ArticleFactory(title="Top class")
    with pytest.raises(PolicyViolationError) as caught:
        content_services.entry_submit(entry=article, actor=None)
    assert caught.value.details["violations"][0]["rule"] == "banned_terms"
    with pytest.raises(PolicyViolationError):
        content_services.entry_publish(entry=article, actor=None)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    content_services.entry_update(
        entry=article, actor=None, data={"title": "Top notch"}, expected_version=article.version
    )
    article.refresh_from_db()
    content_services.entry_submit(entry=article, actor=None)
    assert Article.objects.get(pk=article.pk).status == Status.IN_REVIEW


def test_warnings_never_block():
    banned(severity="warn")
    article = ArticleFactory(title="Top class", published=True)
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    assert policy_results_for(article)["status"] == "warn"


def test_override_needs_permission_and_reason_and_is_audited(users):
    banned()
    article = ArticleFactory(title="Top class")
    with pytest.raises(PermissionDenied):
        policy_override_create(entry=article, actor=users["Editor"], reason="Needed")
    with pytest.raises(ValidationError):
        policy_override_create(entry=article, actor=users["Administrator"], reason="  ")
    override = policy_override_create(
        entry=article, actor=users["Administrator"], reason="Quoting a source verbatim."
    )
    assert override.violations[0]["rule"] == "banned_terms"
    event = AuditEvent.objects.get(action="policy.override")
    assert event.actor == users["Administrator"]
    assert event.metadata["reason"] == "Quoting a source verbatim."
    content_services.entry_submit(entry=article, actor=None)
    assert AuditEvent.objects.filter(action="policy.override_applied").exists()
    # A new revision is checked afresh.
    article.refresh_from_db()
    content_services.entry_reject(entry=article, actor=None, message="Reword it.")
    article.refresh_from_db()
    content_services.entry_update(
        entry=article, actor=None, data={"title": "Class act"}, expected_version=article.version
    )
    article.refresh_from_db()
    with pytest.raises(PolicyViolationError):
        content_services.entry_submit(entry=article, actor=None)


def test_override_reason_given_in_code(users):
    banned()
    article = ArticleFactory(title="Top class")
    with pytest.raises(PermissionDenied):
        ensure_policies_pass(
            entry=article,
            revision=article.latest_revision,
            actor=users["Editor"],
            override_reason="why not",
        )
    ensure_policies_pass(
        entry=article,
        revision=article.latest_revision,
        actor=users["Administrator"],
        override_reason="Legal approved.",
    )
    assert PolicyOverride.objects.get().actor == users["Administrator"]


# --- API --------------------------------------------------------------------------------


def test_author_cannot_submit_a_banned_term_until_it_is_fixed(client_for):
    banned()
    client = client_for("Author")
    created = client.post("/api/v1/articles/", {"title": "World class"}, format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/articles/{created.data['id']}"
    refused = client.post(f"{url}/submit/", {}, format="json")
    assert refused.status_code == 400
    error = refused.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]["violations"] == [
        {
            "policy": "No jargon",
            "policy_id": error["details"]["violations"][0]["policy_id"],
            "severity": "block",
            "field": "title",
            "rule": "banned_terms",
            "message": "Uses the banned term “class”.",
        }
    ]
    assert "title: Uses the banned term" in error["details"]["policies"][0]
    fixed = client.patch(
        f"{url}/",
        {"title": "World leading"},
        format="json",
        HTTP_IF_MATCH=f'"{created.data["version"]}"',
    )
    assert fixed.status_code == 200, fixed.content
    assert client.post(f"{url}/submit/", {}, format="json").status_code == 200


def test_blocking_policy_stops_publish_through_the_api(client_for):
    banned()
    article = ArticleFactory(title="A class apart")
    response = client_for("Administrator").post(f"/api/v1/articles/{article.pk}/publish/")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["violations"][0]["field"] == "title"


def test_checks_endpoint_permissions_and_shape(client_for):
    banned()
    banned(name="Soft", severity="warn", terms=("act",))
    article = ArticleFactory(title="Class act")
    url = f"/api/v1/articles/{article.pk}/checks/"
    assert client_for("anonymous").get(url).status_code == 401
    response = client_for("Viewer").get(url)
    assert response.status_code == 200
    data = response.json()
    assert data["revision"] == article.latest_revision.number
    assert data["status"] == "block"
    statuses = {r["policy"]["name"]: r["status"] for r in data["results"]}
    assert statuses == {"No jargon": "block", "Soft": "warn"}
    assert client_for("Viewer").get("/api/v1/articles/999999/checks/").status_code == 404
    page = PageFactory(title="Fine")
    page_checks = client_for("Viewer").get(f"/api/v1/pages/{page.pk}/checks/").json()
    assert page_checks["status"] == "pass"


def test_override_endpoint(client_for, users):
    banned()
    article = ArticleFactory(title="Class act", owner=users["Author"])
    url = f"/api/v1/articles/{article.pk}/checks/override/"
    assert client_for("anonymous").post(url, {"reason": "x"}).status_code == 401
    assert client_for("Editor").post(url, {"reason": "Needed"}, format="json").status_code == 403
    admin = client_for("Administrator")
    assert admin.post(url, {}, format="json").status_code == 400
    assert admin.post(url, {"reason": ""}, format="json").status_code == 400
    response = admin.post(url, {"reason": "Brand name"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "overridden"
    assert response.json()["override"]["reason"] == "Brand name"
    assert admin.post(url, {"reason": "Again"}, format="json").status_code == 400
    submitted = client_for("Author").post(f"/api/v1/articles/{article.pk}/submit/", {})
    assert submitted.status_code == 200, submitted.content


def test_policies_crud_is_for_administrators(client_for):
    body = {"name": "No jargon", "kind": "banned_terms", "params": {"terms": ["synergy"]}}
    assert client_for("anonymous").get("/api/v1/governance/policies/").status_code == 401
    assert (
        client_for("Editor").post("/api/v1/governance/policies/", body, format="json").status_code
        == 403
    )
    admin = client_for("Administrator")
    bad = admin.post(
        "/api/v1/governance/policies/", {**body, "params": {"terms": "synergy"}}, format="json"
    )
    assert bad.status_code == 400
    assert "terms" in bad.json()["error"]["message"]
    unknown = admin.post("/api/v1/governance/policies/", {**body, "color": "red"}, format="json")
    assert unknown.status_code == 400
    created = admin.post("/api/v1/governance/policies/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["severity"] == "block"
    listed = client_for("Viewer").get("/api/v1/governance/policies/")
    assert listed.status_code == 200
    assert listed.json()["results"][0]["id"] == pk
    url = f"/api/v1/governance/policies/{pk}/"
    assert client_for("Editor").patch(url, {"severity": "warn"}, format="json").status_code == 403
    changed = admin.patch(url, {"severity": "warn"}, format="json")
    assert changed.status_code == 200
    assert changed.json()["severity"] == "warn"
    # Changing the kind re-validates the stored params against the new kind.
    assert admin.patch(url, {"kind": "readability"}, format="json").status_code == 400
    assert admin.delete(url).status_code == 204
    assert list(
        AuditEvent.objects.filter(action__startswith="policy.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["policy.create", "policy.update", "policy.delete"]


# --- External link checks ---------------------------------------------------------------


class _LinkHandler(QuietHandler):
    def _answer(self, method):
        self.loopback.methods.append(f"{method} {self.path}")
        if self.path == "/ok" or (self.path == "/head-refused" and method == "GET"):
            code = 200
        elif self.path == "/head-refused":
            code = 405
        else:
            code = 404
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._answer("HEAD")

    def do_GET(self):
        self._answer("GET")


class LinkServer(LoopbackServer):
    """A real HTTP server on loopback: /ok answers 200, /head-refused 405 to HEAD, else 404."""

    def __init__(self):
        self.methods: list[str] = []
        super().__init__(_LinkHandler)


@pytest.fixture
def link_server():
    with LinkServer() as server:
        yield server


def _linking_article(base: str):
    body = [
        para(f'<a href="{base}/ok">ok</a> <a href="{base}/missing">missing</a>'),
        para(f'<a href="{base}/head-refused">get</a>'),
    ]
    return ArticleFactory(title="Links", body=body)


def test_external_link_task_checks_links_and_blocks_broken_ones(settings, link_server):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    from governance.tasks import external_links_check_task

    policy_create(actor=None, data={"name": "Links", "kind": "external_links"})
    article = _linking_article(link_server.base)
    assert external_links_check_task.delay(article.latest_revision_id).get() == 3
    checks = {c.url.rsplit("/", 1)[1]: c for c in ExternalLinkCheck.objects.all()}
    assert checks["ok"].ok
    assert checks["ok"].status_code == 200
    assert not checks["missing"].ok
    assert checks["missing"].status_code == 404
    assert checks["head-refused"].ok  # HEAD refused, GET answered
    assert "GET /head-refused" in link_server.methods
    result = PolicyResult.objects.get(revision=article.latest_revision)
    assert [v["field"] for v in result.violations] == ["body[1]"]
    with pytest.raises(PolicyViolationError):
        content_services.entry_submit(entry=article, actor=None)
    # Fresh results are not fetched again.
    assert external_links_check(revision_id=article.latest_revision_id) == 0


def test_external_link_check_refuses_private_targets_by_default(settings, link_server):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    policy_create(actor=None, data={"name": "Links", "kind": "external_links"})
    article = _linking_article(link_server.base)
    external_links_check(revision_id=article.latest_revision_id)
    assert link_server.methods == []  # nothing was fetched
    check = ExternalLinkCheck.objects.get(url=f"{link_server.base}/ok")
    assert not check.ok
    assert "not allowed" in check.error


def test_evaluation_queues_a_link_check_on_commit(
    settings, link_server, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    policy_create(actor=None, data={"name": "Links", "kind": "external_links"})
    article = _linking_article(link_server.base)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        policies_evaluate(entry=article, revision=article.latest_revision)
    assert len(callbacks) == 1
    assert ExternalLinkCheck.objects.count() == 3
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        policies_evaluate(entry=article, revision=article.latest_revision)
    assert callbacks == []  # everything is fresh


def test_scheduled_publish_is_refused_while_a_policy_blocks():
    from datetime import timedelta

    from content.services.scheduling import publish_scheduled

    article = ArticleFactory(title="Class notes", scheduled=True)
    banned()
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - timedelta(seconds=1))
    publish_scheduled()
    assert Article.objects.get(pk=article.pk).status == Status.SCHEDULED


# --- Admin ------------------------------------------------------------------------------


def test_admin_validates_params_per_kind_and_saves_through_the_service(users):
    from django.test import Client

    client = Client()
    client.force_login(users["Administrator"])
    url = "/admin/governance/contentpolicy/add/"
    assert client.get(url).status_code == 200
    form = {"name": "No jargon", "kind": "banned_terms", "severity": "block", "is_active": "on"}
    bad = client.post(url, {**form, "params": '{"terms": "synergy"}'})
    assert bad.status_code == 200
    assert "must be a list of non-empty strings" in bad.content.decode()
    good = client.post(url, {**form, "params": '{"terms": ["synergy"]}'})
    assert good.status_code == 302
    assert AuditEvent.objects.filter(action="policy.create", actor=users["Administrator"]).exists()
    banned_article = ArticleFactory(title="Synergy")
    policies_evaluate(entry=banned_article, revision=banned_article.latest_revision)
    assert client.get("/admin/governance/policyresult/").status_code == 200
    assert client.get("/admin/governance/policyoverride/").status_code == 200
    assert client.get("/admin/governance/externallinkcheck/").status_code == 200
    editor = Client()
    editor.force_login(users["Editor"])
    assert editor.get(url).status_code == 403


def test_admin_new_policy_starts_with_no_kind_chosen(users):
    """The theme's select would otherwise pick the first kind without the user choosing."""
    from django.test import Client

    client = Client()
    client.force_login(users["Administrator"])
    url = "/admin/governance/contentpolicy/add/"
    page = client.get(url).content.decode()
    assert '<option value="" selected>Choose…</option>' in page
    form = {"name": "No jargon", "severity": "block", "params": "{}"}
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    assert not ContentPolicy.objects.filter(name="No jargon").exists()
