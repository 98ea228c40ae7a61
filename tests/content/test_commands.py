"""Management commands: purge_revisions, and bad options of rebuild_snapshots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from content import services
from content.models import Revision
from content.services.revisions import revision_list
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _age_all(days: int) -> None:
    Revision.objects.update(created_at=timezone.now() - timedelta(days=days))


def test_purge_keeps_newest_and_live_revisions(capsys):
    article = ArticleFactory(published=True)  # revision 1 is live
    for n in range(2, 7):
        services.entry_update(entry=article, actor=None, data={"title": f"Title {n}"})
    _age_all(100)
    call_command("purge_revisions", "--keep", "2", "--older-than", "30")
    assert "Deleted 3" in capsys.readouterr().out
    numbers = sorted(revision_list(entry=article).values_list("number", flat=True))
    assert numbers == [1, 5, 6]  # live (1) and the newest two


def test_purge_respects_age_and_dry_run(capsys):
    article = ArticleFactory()
    for n in range(2, 5):
        services.entry_update(entry=article, actor=None, data={"title": f"T{n}"})
    call_command("purge_revisions", "--keep", "1", "--older-than", "30")
    assert Revision.objects.count() == 4  # all recent
    _age_all(40)
    call_command("purge_revisions", "--keep", "1", "--older-than", "30", "--dry-run")
    assert "Would delete 3" in capsys.readouterr().out
    assert Revision.objects.count() == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("purge_revisions", "--keep", "0"), "Keep at least one revision"),
        (("purge_revisions", "--older-than", "-1"), "the age cannot be negative"),
        (("rebuild_snapshots", "--batch-size", "0"), "--batch-size must be at least 1."),
        (("rebuild_snapshots", "--batch-size", "-3"), "--batch-size must be at least 1."),
    ],
)
def test_bad_options_are_a_command_error_with_exit_code_1(args, message):
    # manage.py turns a CommandError into its message on stderr and exit code 1; anything
    # else would be a traceback (or, for a batch size of 0, a rebuild that did nothing).
    ArticleFactory(published=True)
    with pytest.raises(CommandError, match=message) as caught:
        call_command(*args)
    assert caught.value.returncode == 1
