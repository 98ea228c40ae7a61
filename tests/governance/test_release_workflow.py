"""Releases under the seeded review workflow: an item the workflow has not approved blocks
the release, as it would block the item's own publish; an approved one goes out."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from content import services
from content.models import Article, ReleaseStatus, Status
from content.services import releases as rel
from content.services.release_publishing import ReleaseBlocked, release_publish
from tests.content.factories import ArticleFactory
from tests.governance import workflow_fixtures
from tests.governance.policy_fixtures import banned

pytestmark = pytest.mark.django_db
users = workflow_fixtures.users


def _approved(users) -> Article:
    article = ArticleFactory(owner=users["Author"])
    services.entry_submit(entry=article, actor=users["Author"])
    services.entry_approve(entry=article, actor=users["Reviewer"], message="Good")
    return Article.objects.get(pk=article.pk)


def test_an_unapproved_item_blocks_the_release_until_it_is_approved(users):
    editor = users["Editor"]
    approved = _approved(users)
    assert approved.status == Status.APPROVED
    pending = ArticleFactory(owner=users["Author"])
    release = rel.release_create(actor=editor, name="Campaign")
    for article in (approved, pending):
        rel.release_item_add(actor=editor, release=release, entry=article)
    # What the item's own publish says is what the release says about it.
    with pytest.raises(ValidationError) as single:
        services.entry_publish(entry=pending, actor=editor)
    assert "approv" in " ".join(single.value.messages)

    blockers = rel.release_validate(release=release, actor=editor)

    item = release.items.get(object_id=pending.pk)
    assert blockers == {item.pk: item.blockers}
    assert item.blockers == single.value.messages
    with pytest.raises(ReleaseBlocked):
        release_publish(release=release, actor=editor)
    assert not Article.objects.filter(status=Status.PUBLISHED).exists()

    services.entry_submit(entry=pending, actor=users["Author"])
    services.entry_approve(entry=pending, actor=users["Reviewer"], message="Fine")
    rel.release_item_add(actor=editor, release=release, entry=pending)  # its approved revision
    release_publish(release=release, actor=editor)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PUBLISHED
    assert Article.objects.filter(status=Status.PUBLISHED).count() == 2


def test_an_item_both_unapproved_and_against_a_policy_names_both(users):
    banned(terms=("synergy",))
    editor = users["Editor"]
    article = ArticleFactory(owner=users["Author"], title="Spring synergy")
    release = rel.release_create(actor=editor, name="Campaign")
    item = rel.release_item_add(actor=editor, release=release, entry=article)

    rel.release_validate(release=release, actor=editor)

    item.refresh_from_db()
    assert len(item.blockers) == 2
    assert "approved" in item.blockers[0]
    assert "synergy" in item.blockers[1]
