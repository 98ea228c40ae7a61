"""Folio's own address follows FOLIO_PORT, and the frontend's comes from the environment.

Each case reads the settings in a fresh interpreter, as a process started with that
environment would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMES = (
    "FOLIO_BASE_URL",
    "FOLIO_ADMIN_URL",
    "PASSWORD_RESET_URL",
    "FRONTEND_BASE_URL",
    "FRONTEND_BASE_URLS",
    "FRONTEND_PREVIEW_URL",
)
# Unset in the child, whatever this process's environment holds.
CLEAN = dict.fromkeys((*NAMES, "FOLIO_PORT", "CONTENT_PREVIEW_URL"), "")


def read(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "import json; from config.settings import base; "
        f"print(json.dumps({{n: getattr(base, n, None) for n in {NAMES!r}}}))"
    )
    environ = {k: v for k, v in {**os.environ, **CLEAN, **env}.items() if v != ""}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def addresses(**env: str) -> dict:
    result = read(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_folio_port_drives_every_address_of_folio_itself():
    assert addresses()["FOLIO_ADMIN_URL"] == "http://127.0.0.1:8000/admin/"
    values = addresses(FOLIO_PORT="8123")
    assert values["FOLIO_BASE_URL"] == "http://127.0.0.1:8123"
    assert values["FOLIO_ADMIN_URL"] == "http://127.0.0.1:8123/admin/"
    assert values["PASSWORD_RESET_URL"] == (
        "http://127.0.0.1:8123/reset-password?uid={uid}&token={token}"
    )
    # Behind a proxy or tunnel the base is given whole, and each link can still be set.
    values = addresses(
        FOLIO_PORT="8123",
        FOLIO_BASE_URL="https://cms.example.com/",
        PASSWORD_RESET_URL="https://id.example.com/reset?u={uid}&t={token}",
    )
    assert values["FOLIO_ADMIN_URL"] == "https://cms.example.com/admin/"
    assert values["PASSWORD_RESET_URL"] == "https://id.example.com/reset?u={uid}&t={token}"


def test_the_frontend_and_its_locales_come_from_the_environment():
    values = addresses()
    assert values["FRONTEND_BASE_URL"] == ""
    assert values["FRONTEND_BASE_URLS"] == {}
    values = addresses(
        FRONTEND_BASE_URL="https://www.example.com/",
        FRONTEND_BASE_URLS="fr=https://fr.example.com/, de=https://www.example.de/de",
        FRONTEND_PREVIEW_URL="https://www.example.com/api/preview?token={token}",
    )
    assert values["FRONTEND_BASE_URL"] == "https://www.example.com"
    assert values["FRONTEND_BASE_URLS"] == {
        "fr": "https://fr.example.com",
        "de": "https://www.example.de/de",
    }
    assert values["FRONTEND_PREVIEW_URL"] == "https://www.example.com/api/preview?token={token}"
    # Every placeholder the preview address may hold.
    every = "https://www.example.com/api/preview?token={token}&type={type}&slug={slug}&l={locale}&id={id}"
    assert addresses(FRONTEND_PREVIEW_URL=every)["FRONTEND_PREVIEW_URL"] == every
    # The reset page is the frontend's, once there is one.
    assert values["PASSWORD_RESET_URL"].startswith("https://www.example.com/reset-password?")
    # The former name of the preview setting still works.
    legacy = addresses(CONTENT_PREVIEW_URL="https://www.example.com/preview/{token}/")
    assert legacy["FRONTEND_PREVIEW_URL"] == "https://www.example.com/preview/{token}/"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FRONTEND_BASE_URL": "www.example.com"}, "FRONTEND_BASE_URL must be an absolute"),
        ({"FRONTEND_BASE_URLS": "https://fr.example.com"}, "locale=url pairs"),
        ({"FRONTEND_BASE_URLS": "fr=fr.example.com"}, "FRONTEND_BASE_URLS (fr) must be"),
        ({"FOLIO_BASE_URL": "127.0.0.1:8000"}, "FOLIO_BASE_URL must be an absolute"),
        ({"FRONTEND_PREVIEW_URL": "https://www.example.com/preview/"}, "must hold {token}"),
        (
            {"FRONTEND_PREVIEW_URL": "https://www.example.com/p?token={token}&kind={kind}"},
            "FRONTEND_PREVIEW_URL: unknown placeholder {kind}",
        ),
        ({"FRONTEND_PREVIEW_URL": "https://www.example.com/{token"}, "literal brace"),
        ({"FRONTEND_PREVIEW_URL": "https://{locale}.example.com/{token}"}, "only after its host"),
        ({"FRONTEND_PREVIEW_URL": "www.example.com/{token}"}, "absolute http(s) URL"),
    ],
)
def test_a_bad_address_stops_start_up_with_a_clear_message(env, message):
    result = read(env)
    assert result.returncode != 0
    assert message in result.stderr
