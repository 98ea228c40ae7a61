"""The documentation keeps up with the code: every management command is documented, every
webhook event and governance report is in the README, and no link leaves the repository.

Not marked `integration`: both `make test` legs run them (they need no service).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from governance.reports.views import REPORTS
from governance.webhooks.models import WebhookEventType

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK_RE = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
COMMANDS = sorted(
    path.stem
    for path in ROOT.glob("*/management/commands/*.py")
    if path.stem != "__init__" and ".venv" not in path.parts
)


def test_every_management_command_has_a_section_in_commands_md():
    text = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert len(COMMANDS) >= 9
    missing = [name for name in COMMANDS if not re.search(rf"^## `{name}\b", text, re.M)]
    assert not missing, f"document these in docs/commands.md: {', '.join(missing)}"
    for name in COMMANDS:
        section = text.split(f"## `{name}", 1)[1].split("\n## ", 1)[0]
        assert "```sh" in section, f"{name}: no example"
        assert "Exit code" in section, f"{name}: no exit codes"


@pytest.mark.parametrize("event", WebhookEventType.values)
def test_every_webhook_event_is_in_the_readme(event):
    assert f"| `{event}` |" in README


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_governance_report_is_in_the_readme(name):
    assert f"`governance/reports/{name}/`" in README


@pytest.mark.parametrize("path", [ROOT / "README.md", *DOCS], ids=lambda p: p.name)
def test_links_stay_inside_the_repository_and_resolve(path):
    text = path.read_text(encoding="utf-8")
    assert "DESIGN.md" not in text
    assert "CONVENTIONS.md" not in text
    for target in LINK_RE.findall(text):
        if target.startswith(("http://127.0.0.1", "http://localhost", "#", "mailto:")):
            continue
        assert "://" not in target, f"{path.name}: {target} leaves the repository"
        file_part = target.split("#", 1)[0]
        resolved = (path.parent / file_part).resolve()
        assert resolved.is_relative_to(ROOT), f"{path.name}: {target} leaves the repository"
        assert resolved.exists(), f"{path.name}: {target} does not exist"
