"""Lost updates under real concurrency: two editors save the same version at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from content import services
from content.models import Article
from core.exceptions import PreconditionFailed
from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def _race(entry: Article, editors: list, field: str, make_value) -> tuple[list, list]:
    """Each editor saves `field` from the same starting version at once; (winners, refusals)."""
    version = entry.version
    barrier = threading.Barrier(len(editors))
    wins, refusals, errors = [], [], []

    def save(editor, value):
        try:
            barrier.wait()
            services.entry_update(
                entry=entry, actor=editor, data={field: value}, expected_version=version
            )
            wins.append(value)
        except PreconditionFailed as exc:
            refusals.append(exc)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(editor, make_value(n)))
        for n, editor in enumerate(editors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    return wins, refusals


def test_only_one_of_two_simultaneous_saves_of_one_version_wins():
    article = ArticleFactory(title="Original")
    first_revision = article.latest_revision.number
    editors = [UserFactory(role="Editor"), UserFactory(role="Editor")]

    wins, refusals = _race(article, editors, "title", lambda n: f"Edit by editor {n}")

    assert len(wins) == 1
    assert len(refusals) == 1
    article.refresh_from_db()
    assert article.title == wins[0]  # the winner's edit, not overwritten by the loser's
    assert article.version == 2
    assert article.latest_revision.number == first_revision + 1  # one revision, the winner's
    assert article.latest_revision.snapshot["title"] == wins[0]
    # The refusal tells the loser which version to reload.
    assert refusals[0].details == {"current_version": 2}


def test_many_simultaneous_saves_never_lose_an_acknowledged_edit():
    article = ArticleFactory(summary="")
    editors = [UserFactory(role="Editor") for _ in range(4)]

    wins, refusals = _race(article, editors, "summary", lambda n: f"Summary {n}")

    assert len(wins) == 1
    assert len(refusals) == 3
    article.refresh_from_db()
    assert article.summary == wins[0]
    latest = article.latest_revision
    assert latest.snapshot["summary"] == wins[0]
