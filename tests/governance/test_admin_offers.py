"""The change form offers a button exactly when pressing it succeeds.

Under the seeded "Standard review" workflow, for many item states and every role: each
lifecycle tool (the transition buttons, Reject…, Schedule…, and the restore page's
"Restore and republish") is shown to a user iff posting it, as that user, succeeds.
Each post runs in a savepoint that is rolled back, so every tool is tried on the same
state.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from content import services
from content.models import Article
from tests.content.factories import ArticleFactory
from tests.governance import workflow_fixtures

pytestmark = pytest.mark.django_db
users = workflow_fixtures.users

ROLES = ("Author", "Editor", "Reviewer", "Administrator", "Viewer")
TOOLS = ("submit", "approve", "reject", "publish", "unpublish", "schedule", "trash", "restore")


def _draft(u) -> Article:
    return ArticleFactory(owner=u["Author"], title="Subject")


def _in_review(u) -> Article:
    return services.entry_submit(entry=_draft(u), actor=u["Author"])


def _approved(u) -> Article:
    return services.entry_approve(entry=_in_review(u), actor=u["Reviewer"])


def _published(u) -> Article:
    return services.entry_publish(entry=_approved(u), actor=u["Editor"])


def _live_changes(u) -> Article:
    return services.entry_update(entry=_published(u), actor=u["Editor"], data={"title": "Next"})


def _live_changes_in_review(u) -> Article:
    return services.entry_submit(entry=_live_changes(u), actor=u["Editor"])


def _live_changes_approved(u) -> Article:
    return services.entry_approve(entry=_live_changes_in_review(u), actor=u["Reviewer"])


def _scheduled(u) -> Article:
    soon = timezone.now() + timedelta(hours=1)
    return services.entry_schedule(entry=_approved(u), actor=u["Editor"], publish_at=soon)


def _archived(u) -> Article:
    return services.entry_archive(entry=_published(u), actor=u["Editor"])


def _trashed_draft(u) -> Article:
    return services.entry_trash(entry=_draft(u), actor=u["Author"])


def _trashed_live(u) -> Article:
    return services.entry_trash(entry=_published(u), actor=u["Editor"])


def _trashed_unreviewed_live(u) -> Article:
    # Published by the system (an audited bypass): no approval an Editor could republish.
    article = ArticleFactory(owner=u["Author"], title="Seeded", published=True)
    return services.entry_trash(entry=article, actor=u["Editor"])


STATES: dict[str, Callable[[dict], Article]] = {
    "draft": _draft,
    "in review": _in_review,
    "approved": _approved,
    "published": _published,
    "published, unreviewed changes": _live_changes,
    "published, changes in review": _live_changes_in_review,
    "published, changes approved": _live_changes_approved,
    "scheduled": _scheduled,
    "archived": _archived,
    "trashed draft": _trashed_draft,
    "trashed, was live": _trashed_live,
    "trashed, was live unreviewed": _trashed_unreviewed_live,
}


def _url(name: str, article: Article, *extra) -> str:
    return reverse(f"admin:content_article_{name}", args=[article.pk, *extra])


def _offered(client: Client, article: Article) -> set[str]:
    change = client.get(_url("change", article))
    assert change.status_code == 200
    tools = set(re.findall(r'data-transition="(\w+)"', change.content.decode())) & set(TOOLS)
    restore_page = client.get(_url("transition", article, "restore")).content.decode()
    if 'data-choice="republish"' in restore_page:
        tools.add("republish")
    return tools


def _post(client: Client, tool: str, article: Article):
    if tool == "reject":
        return client.post(_url("reject", article), {"message": "Needs a source."})
    if tool == "schedule":  # both times empty, as the browser sends them: clears the schedule
        empty = dict.fromkeys(("publish_at_0", "publish_at_1", "expire_at_0", "expire_at_1"), "")
        return client.post(_url("schedule", article), empty)
    if tool == "republish":
        return client.post(_url("transition", article, "restore"), {"republish": "1"})
    return client.post(_url("transition", article, tool), {})


def _succeeds(client: Client, tool: str, article: Article) -> bool:
    """Post `tool` in a savepoint, rolled back; whether the admin reported success only."""
    client.cookies.pop("messages", None)  # no message left over from an earlier post
    with transaction.atomic():
        response = _post(client, tool, article)
        levels = {m.level for m in get_messages(response.wsgi_request)}
        transaction.set_rollback(True)
    assert response.status_code in (200, 302), (tool, response.status_code)
    return messages.SUCCESS in levels and messages.ERROR not in levels


@pytest.mark.parametrize("state", list(STATES))
def test_a_tool_is_offered_iff_using_it_succeeds(users, state):
    article = STATES[state](users)
    for role in ROLES:
        client = Client()
        client.force_login(users[role])
        offered = _offered(client, article)
        worked = {tool for tool in (*TOOLS, "republish") if _succeeds(client, tool, article)}
        assert offered == worked, (state, role, sorted(offered), sorted(worked))


def test_the_reported_cases(users):
    """The issue's two: Publish on unreviewed changes, Unpublish on a scheduled item."""
    editor = Client()
    editor.force_login(users["Editor"])
    assert "publish" not in _offered(editor, _live_changes(users))
    assert "submit" in _offered(editor, Article.objects.get(title="Next"))
    scheduled = _scheduled(users)
    offered = _offered(editor, scheduled)
    assert "unpublish" not in offered
    assert "schedule" in offered  # where the schedule is cleared
