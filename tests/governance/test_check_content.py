"""manage.py check_content: every active policy over all content, exit code for CI."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from governance.policies.services import policy_override_create
from tests.content.factories import ArticleFactory, PageFactory
from tests.governance.policy_fixtures import banned

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("check_content", *args, stdout=out)
    return out.getvalue()


def test_passes_without_policies():
    ArticleFactory(title="Synergy")
    assert "against 0 active policies" in run()


def test_blocking_violation_exits_non_zero():
    banned(terms=("synergy",))
    article = ArticleFactory(title="Synergy now")
    PageFactory(title="Fine page")
    ArticleFactory(title="Synergy in the bin", trashed=True)
    with pytest.raises(CommandError) as caught:
        run()
    # run_from_argv (manage.py) exits with a CommandError's returncode.
    assert caught.value.returncode == 1
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("check_content", stdout=out)
    text = out.getvalue()
    assert f"BLOCK article {article.pk}" in text
    assert "title: Uses the banned term “synergy”." in text
    assert "Checked 2 item(s)" in text  # the trashed one is left out


def test_warnings_and_overrides_do_not_fail():
    banned(severity="warn", terms=("synergy",))
    ArticleFactory(title="Synergy")
    assert "WARN" in run()


def test_overridden_revision_does_not_fail():
    banned(terms=("synergy",))
    article = ArticleFactory(title="Synergy")
    policy_override_create(entry=article, actor=None, reason="Brand name")
    assert "1 overridden" in run()


def test_published_only():
    banned(severity="warn", terms=("synergy",))
    ArticleFactory(title="Synergy draft")
    ArticleFactory(title="Fine", published=True)
    assert "Checked 1 item(s)" in run("--published-only")


def test_manage_py_exit_codes(monkeypatch):
    """Through manage.py's own path (run_from_argv): 1 when something blocks, else 0."""
    from django.db import connections

    from governance.management.commands.check_content import Command

    # run_from_argv closes every connection when done; the test database must stay open.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    ArticleFactory(title="Synergy")
    Command(stdout=io.StringIO(), stderr=io.StringIO()).run_from_argv(
        ["manage.py", "check_content"]
    )  # no policy: returns normally (exit 0)
    banned(terms=("synergy",))
    with pytest.raises(SystemExit) as exited:
        Command(stdout=io.StringIO(), stderr=io.StringIO()).run_from_argv(
            ["manage.py", "check_content"]
        )
    assert exited.value.code == 1
