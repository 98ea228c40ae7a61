"""Previewing the site as of a release: with a release preview token, every delivery endpoint
answers as if the release were published now, through HTTP as a frontend asks, and nothing
of the preview stays behind (the database, the response cache, the content version, events).
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError, connection, connections
from django.test import Client
from django.utils import timezone

from content import services
from content.delivery.services import content_version
from content.models import Article, Status
from content.services import releases as rel
from content.services.release_preview import (
    release_applied,
    release_preview_load,
    release_preview_token_create,
)
from content.services.release_publishing import release_publish, release_revert
from governance.audit.models import AuditEvent
from governance.models import Webhook, WebhookEvent, Workflow
from outbox.models import Job
from realtime.log import event_log
from tests.accounts.factories import ApiKeyFactory, UserFactory
from tests.assertions import assert_error
from tests.content.factories import ArticleFactory, PageFactory
from tests.governance.policy_fixtures import banned

pytestmark = pytest.mark.django_db

API = "/api/v1/delivery"
HEADER = "HTTP_X_FOLIO_RELEASE_PREVIEW"


class Campaign:
    """A release of three changes: a new article (publish), a live article's new revision,
    and a live article taken down; beside them one live article the release leaves alone."""

    def __init__(self, on_commit):
        Workflow.objects.update(is_active=False)  # content's rules only (tests/governance)
        # A subscriber, so a publish writes webhook events (and queues their delivery).
        Webhook.objects.create(name="site", url="https://hooks.example.com/folio")
        self.editor = UserFactory(role="Editor")
        make = lambda **kw: on_commit(ArticleFactory, **kw)  # noqa: E731
        self.stable = make(title="Steady daffodil", published=True)
        self.fresh = make(title="Marigold launch")
        self.changed = make(title="Tulip original", published=True)
        on_commit(
            services.entry_update,
            entry=self.changed,
            actor=self.editor,
            data={
                "title": "Tulip revised",
                "body": [{"type": "paragraph", "value": {"text": "Now with hyacinth."}}],
            },
        )
        self.gone = make(title="Orchid retired", published=True)
        self.release = rel.release_create(actor=self.editor, name="Spring campaign")
        for entry in (self.fresh, self.changed):
            rel.release_item_add(actor=self.editor, release=self.release, entry=entry)
        rel.release_item_add(
            actor=self.editor, release=self.release, entry=self.gone, action="unpublish"
        )
        self.token = release_preview_token_create(release=self.release, actor=self.editor)["token"]

    def slug(self, entry) -> str:
        return Article.objects.get(pk=entry.pk).slug


@pytest.fixture
def campaign(on_commit) -> Campaign:
    return Campaign(on_commit)


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content[:300]
    return {item["title"] for item in response.json()["results"]}


def test_the_preview_shows_every_change_of_the_release(campaign):
    frontend = Client(**{HEADER: campaign.token})
    listed = frontend.get(f"{API}/articles/")
    assert titles(listed) == {"Steady daffodil", "Marigold launch", "Tulip revised"}
    assert listed["Cache-Control"] == "private, no-store"
    assert "ETag" not in listed
    assert "Surrogate-Key" not in listed
    assert listed["X-Folio-Release"] == str(campaign.release.pk)
    assert "X-Folio-Release-Blocked" not in listed
    assert "x-folio-release-preview" in listed["Vary"].lower()

    fresh = frontend.get(f"{API}/articles/{campaign.slug(campaign.fresh)}/")
    assert fresh.status_code == 200
    assert fresh.json()["title"] == "Marigold launch"
    changed = frontend.get(f"{API}/articles/{campaign.slug(campaign.changed)}/").json()
    assert changed["title"] == "Tulip revised"
    assert "hyacinth" in str(changed["body"])
    gone = frontend.get(f"{API}/articles/{campaign.slug(campaign.gone)}/")
    assert gone.status_code == 404
    assert gone["Cache-Control"] == "private, no-store"

    assert titles(frontend.get(f"{API}/articles/", {"search": "marigold"})) == {"Marigold launch"}
    assert titles(frontend.get(f"{API}/articles/", {"search": "hyacinth"})) == {"Tulip revised"}
    assert titles(frontend.get(f"{API}/articles/", {"search": "orchid"})) == set()
    oldest_first = frontend.get(f"{API}/articles/", {"ordering": "title", "limit": 2}).json()
    assert [i["title"] for i in oldest_first["results"]] == ["Marigold launch", "Steady daffodil"]
    assert oldest_first["count"] == 3

    sitemap = frontend.get("/sitemap.xml").content.decode()
    assert campaign.slug(campaign.fresh) in sitemap
    assert campaign.slug(campaign.gone) not in sitemap
    feed = frontend.get("/feeds/articles.atom")
    assert feed["Cache-Control"] == "private, no-store"
    assert b"Marigold launch" in feed.content
    assert b"Orchid retired" not in feed.content


def test_the_query_parameter_works_alike_and_stays_in_the_next_link(campaign):
    public = Client()
    first = public.get(f"{API}/articles/", {"release_preview": campaign.token, "limit": 2})
    assert first["Cache-Control"] == "private, no-store"
    page = first.json()
    assert "release_preview=" in page["next"]
    second = public.get(page["next"])
    assert titles(first) | titles(second) == {"Steady daffodil", "Marigold launch", "Tulip revised"}


def test_without_the_token_delivery_and_its_caches_are_untouched(
    campaign, django_capture_on_commit_callbacks
):
    public, frontend = Client(), Client(**{HEADER: campaign.token})
    before = public.get(f"{API}/articles/")
    assert titles(before) == {"Steady daffodil", "Tulip original", "Orchid retired"}
    version = content_version()
    events = event_log().bounds()
    counts = (AuditEvent.objects.count(), WebhookEvent.objects.count(), Job.objects.count())

    with django_capture_on_commit_callbacks() as callbacks:
        for path in ("/articles/", f"/articles/{campaign.slug(campaign.fresh)}/"):
            assert frontend.get(f"{API}{path}").status_code == 200
        assert frontend.get("/sitemap.xml").status_code == 200
    assert callbacks == []  # no event, webhook or cache renewal waits for a commit

    after = public.get(f"{API}/articles/")
    assert after.content == before.content
    assert after["ETag"] == before["ETag"]
    assert public.get(f"{API}/articles/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    assert content_version() == version
    assert event_log().bounds() == events
    assert (AuditEvent.objects.count(), WebhookEvent.objects.count(), Job.objects.count()) == (
        counts
    )
    assert Article.objects.get(pk=campaign.fresh.pk).status == Status.DRAFT
    assert Article.objects.get(pk=campaign.gone.pk).status == Status.PUBLISHED


def test_a_public_etag_never_turns_a_preview_into_a_304(campaign):
    public = Client().get(f"{API}/articles/")
    preview = Client(**{HEADER: campaign.token}).get(
        f"{API}/articles/", HTTP_IF_NONE_MATCH=public["ETag"]
    )
    assert preview.status_code == 200
    assert "Marigold launch" in titles(preview)


def test_an_item_the_publish_would_refuse_is_left_as_it_is_and_named(campaign, on_commit):
    banned(terms=("marigold",))
    listed = Client(**{HEADER: campaign.token}).get(f"{API}/articles/")
    assert titles(listed) == {"Steady daffodil", "Tulip revised"}  # the rest went out
    assert listed["X-Folio-Release-Blocked"] == f"article-{campaign.fresh.pk}"


def test_the_page_tree_follows_the_release(on_commit):
    Workflow.objects.update(is_active=False)
    editor = UserFactory(role="Editor")
    about = on_commit(PageFactory, title="About", published=True)
    team = on_commit(PageFactory, title="Team", parent=about)
    release = rel.release_create(actor=editor, name="Team page")
    rel.release_item_add(actor=editor, release=release, entry=team)
    token = release_preview_token_create(release=release, actor=editor)["token"]

    public, frontend = Client(), Client(**{HEADER: token})
    assert public.get(f"{API}/pages/{about.pk}/").json()["children"] == []
    children = frontend.get(f"{API}/pages/{about.pk}/").json()["children"]
    assert [c["title"] for c in children] == ["Team"]
    at_path = frontend.get(f"{API}/pages/", {"path": "/about/team/"})
    assert at_path.status_code == 200
    assert [c["title"] for c in at_path.json()["breadcrumbs"]] == ["About"]
    assert public.get(f"{API}/pages/", {"path": "/about/team/"}).status_code == 404


def _tampered(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize("path", ["/api/v1/delivery/articles/", "/sitemap.xml"])
def test_a_bad_token_is_refused_in_the_error_format(campaign, path):
    item_token = services.preview_link_create(entry=campaign.stable, actor=campaign.editor)
    for token in ("nonsense", _tampered(campaign.token), item_token["token"], ""):
        refused = Client(**{HEADER: token}).get(path)
        assert_error(refused, 403, "release_preview_invalid")
        assert refused["Cache-Control"] == "private, no-store"
    by_parameter = Client().get(path, {"release_preview": _tampered(campaign.token)})
    assert_error(by_parameter, 403, "release_preview_invalid")
    twice = Client().get(f"{path}?release_preview=a&release_preview=b")
    assert_error(twice, 400)


def test_an_expired_token_is_refused(campaign, settings):
    later = timezone.now() + timedelta(seconds=settings.RELEASE_PREVIEW_SECONDS + 5)
    with time_machine.travel(later):
        response = Client(**{HEADER: campaign.token}).get(f"{API}/articles/")
    error = assert_error(response, 403, "release_preview_expired")
    assert "new one" in error["message"]


def test_a_token_of_a_deleted_release_is_a_404(campaign):
    rel.release_delete(actor=campaign.editor, release=campaign.release)
    response = Client(**{HEADER: campaign.token}).get(f"{API}/articles/")
    assert_error(response, 404, "release_not_found")


def test_a_token_of_a_release_that_went_out_is_a_409(campaign, on_commit):
    on_commit(release_publish, release=campaign.release, actor=campaign.editor)
    frontend = Client(**{HEADER: campaign.token})
    error = assert_error(frontend.get(f"{API}/articles/"), 409, "release_not_open")
    assert "published" in error["message"]
    on_commit(release_revert, release=campaign.release, actor=campaign.editor)
    error = assert_error(frontend.get(f"{API}/articles/"), 409, "release_not_open")
    assert "reverted" in error["message"]


def test_a_token_stops_working_when_its_issuer_may_no_longer_manage_releases(campaign):
    campaign.editor.groups.clear()
    response = Client(**{HEADER: campaign.token}).get(f"{API}/articles/")
    assert_error(response, 403, "release_preview_invalid")


def test_the_api_key_is_still_required_when_delivery_requires_one(campaign, settings):
    settings.DELIVERY_REQUIRE_KEY = True
    frontend = Client(**{HEADER: campaign.token})
    assert_error(frontend.get(f"{API}/articles/"), 401)
    key = ApiKeyFactory(scopes=["delivery:read"])
    keyed = frontend.get(f"{API}/articles/", HTTP_AUTHORIZATION=f"Api-Key {key.raw_key}")
    assert "Marigold launch" in titles(keyed)


def test_taxonomy_checks_the_token_and_answers_as_usual(campaign, category):
    category("Gardening")
    public = Client().get(f"{API}/categories/")
    previewed = Client(**{HEADER: campaign.token}).get(f"{API}/categories/")
    assert previewed.content == public.content
    assert_error(Client(**{HEADER: "nonsense"}).get(f"{API}/categories/"), 403)


def test_the_schema_documents_the_token_on_every_delivery_operation(admin_client_for_schema):
    schema = admin_client_for_schema.get("/api/schema/", {"format": "json"}).json()
    operations = [
        (path, operation)
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/delivery/") and "events" not in path
        for operation in item.values()
    ]
    assert operations
    for path, operation in operations:
        names = {(p["name"], p["in"]) for p in operation["parameters"]}
        assert ("X-Folio-Release-Preview", "header") in names, path
        assert ("release_preview", "query") in names, path
        assert "409" in operation["responses"], path
    issue = schema["paths"]["/api/v1/releases/{id}/preview-token/"]["post"]
    assert set(issue["responses"]) >= {"200", "403", "404"}


@pytest.fixture
def admin_client_for_schema():
    client = Client()
    client.force_login(UserFactory(role="Administrator"))
    return client


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's locks")
@pytest.mark.django_db(transaction=True)
def test_a_preview_in_progress_holds_no_lock_other_publishes_wait_on(campaign, on_commit):
    """The audit chain's lock and the content version's row are not taken by a preview,
    which would otherwise hold them, and stall every publish, while it answers."""
    other = on_commit(ArticleFactory, title="Unrelated news")
    inside, done, errors = threading.Event(), threading.Event(), []

    def previewing():
        try:
            with release_applied(release_preview_load(campaign.token)):
                inside.set()
                done.wait(30)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=previewing)
    thread.start()
    try:
        assert inside.wait(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        on_commit(services.entry_publish, entry=other, actor=campaign.editor)
    finally:
        done.set()
        thread.join(30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert not errors
    assert titles(Client().get(f"{API}/articles/")) == {
        "Steady daffodil",
        "Tulip original",
        "Orchid retired",
        "Unrelated news",
    }


def test_a_browser_frontend_may_send_the_header_and_read_the_answers(campaign, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://www.example.com"]
    origin = {"HTTP_ORIGIN": "https://www.example.com"}
    preflight = Client().options(
        f"{API}/articles/",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="x-folio-release-preview",
        **origin,
    )
    assert "x-folio-release-preview" in preflight["Access-Control-Allow-Headers"]
    listed = Client(**{HEADER: campaign.token}).get(f"{API}/articles/", **origin)
    exposed = listed["Access-Control-Expose-Headers"]
    assert "X-Folio-Release" in exposed
    assert "X-Folio-Release-Blocked" in exposed
    assert "X-Request-ID" in exposed  # as before


def test_a_deadlocked_preview_is_tried_again_then_a_503(campaign, monkeypatch):
    from content.delivery import release_preview as delivery_preview

    class Deadlock(Exception):
        sqlstate = "40P01"

    real, calls = delivery_preview.release_applied, []

    def contended(preview, fail_times):
        calls.append(1)
        if len(calls) <= fail_times:
            raise OperationalError("deadlock detected") from Deadlock()
        return real(preview)

    frontend = Client(**{HEADER: campaign.token})
    monkeypatch.setattr(delivery_preview, "release_applied", lambda p: contended(p, 1))
    assert "Marigold launch" in titles(frontend.get(f"{API}/articles/"))
    calls.clear()
    monkeypatch.setattr(delivery_preview, "release_applied", lambda p: contended(p, 2))
    busy = frontend.get(f"{API}/articles/")
    assert_error(busy, 503, "release_preview_busy")
    assert busy["Cache-Control"] == "private, no-store"
