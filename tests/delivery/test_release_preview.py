"""Previewing the site as of a release: with a release preview token, every delivery endpoint
answers as if the release were published now, through HTTP as a frontend asks, and nothing
of the preview stays behind (the database, the response cache, the content version, events).
"""

from __future__ import annotations

import pytest
from django.test import Client

from content import services
from content.delivery.services import content_version
from content.models import Article, Status
from content.services import releases as rel
from content.services.release_preview import release_preview_token_create
from governance.audit.models import AuditEvent
from governance.models import Webhook, WebhookEvent, Workflow
from outbox.models import Job
from realtime.log import event_log
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory
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
