"""The demo seeds content policies, so a first `make run` shows governance at work: two
blocking policies every demo item passes, and a readability warning on one published
article, which check_content reports without failing."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from content import services
from content.models import Article, DeliverySnapshot, Entry, Page, Status
from content.seeding.demo import HAND_MADE, LEGALESE_TITLE
from governance.models import AuditEvent, ContentPolicy
from governance.policies.seeding import DEMO_POLICIES, demo_policies_create
from governance.policies.selectors import policy_results_for

pytestmark = pytest.mark.django_db


def _call(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    """The hand-made demo and a few bulk articles: what seed_demo printed."""
    return _call("seed_demo", "--articles", str(HAND_MADE + 10))


def test_seed_demo_creates_the_policies_through_the_service(demo):
    policies = {p.name: p for p in ContentPolicy.objects.all()}
    assert {(p.kind, p.severity) for p in policies.values()} == {
        ("banned_terms", "block"),
        ("image_alt_text", "block"),
        ("readability", "warn"),
    }
    assert all(p.is_active for p in policies.values())
    # The same path as the admin and the API: validated, and audited as the demo admin.
    created = AuditEvent.objects.filter(action="policy.create")
    assert created.count() == 3
    assert {e.actor.email for e in created} == {"admin@folio.local"}
    for policy in policies.values():
        assert f"content policy “{policy.name}” ({policy.severity})" in demo


def test_check_content_reports_the_policies_and_the_one_warning(demo):
    out = _call("check_content")  # returns normally: exit code 0, nothing blocks
    checked = Article.objects.count() + Page.objects.count() + Entry.objects.count()
    assert f"Checked {checked} item(s) against 3 active policies: 0 blocking, 1 warning" in out
    warnings = [line for line in out.splitlines() if line.startswith("WARN")]
    assert len(warnings) == 1
    assert f"“{LEGALESE_TITLE}” body: Reading ease is" in warnings[0]
    assert "[Readable prose/readability]" in warnings[0]


def test_the_warned_article_is_published_and_its_panel_says_so(demo):
    article = Article.objects.get(title=LEGALESE_TITLE)
    assert article.status == Status.PUBLISHED
    assert DeliverySnapshot.objects.filter(kind="article", object_id=article.pk).exists()
    # Checked when it was submitted and published: the admin panel has results at once.
    panel = policy_results_for(article)
    assert panel["status"] == "warn"
    assert panel["unchecked"] == []


def test_the_blocking_policies_are_live(demo):
    article = Article.objects.filter(status=Status.DRAFT).first()
    services.entry_update(entry=article, actor=None, data={"summary": "To read more, click here."})
    with pytest.raises(ValidationError) as caught:
        services.entry_submit(entry=Article.objects.get(pk=article.pk), actor=None)
    assert "Uses the banned term “click here”." in str(caught.value)


def test_rerunning_seed_demo_creates_no_duplicates(demo):
    _call("seed_demo")
    assert ContentPolicy.objects.count() == len(DEMO_POLICIES) == 3
    # The policies are matched by name, so a site holding them gets no second copy.
    assert demo_policies_create(actor=None) == []
    ContentPolicy.objects.filter(kind="readability").delete()
    assert [p.name for p in demo_policies_create(actor=None)] == ["Readable prose"]
    assert ContentPolicy.objects.count() == 3
