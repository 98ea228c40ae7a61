"""gunicorn's access log shows the client's address as Folio resolved it
(core.client_address): behind our proxy, the one it appended; otherwise the peer."""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import http_status, manage, production_env, start_gunicorn

pytestmark = pytest.mark.integration
CHAIN = "198.51.100.1, 203.0.113.7"  # a spoofed hop, then the client our proxy saw


def access_addresses(log: str, path: str) -> list[str]:
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    return [r["remote_addr"] for r in records if r.get("path") == path and "remote_addr" in r]


@pytest.mark.parametrize(("trusted", "expected"), [("127.0.0.1", "203.0.113.7"), ("", "127.0.0.1")])
def test_the_access_log_records_the_resolved_client(tmp_path, trusted, expected):
    env = production_env(
        tmp_path,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        FORWARDED_ALLOW_IPS=trusted,
        LOG_FORMAT="json",
    )
    manage("migrate", "--noinput", env=env)
    web, base = start_gunicorn(env, tmp_path, workers=1)
    try:
        path = "/api/v1/delivery/articles/"
        assert http_status(f"{base}{path}", {"X-Forwarded-For": CHAIN}) == 200
    finally:
        web.stop()
    assert access_addresses(web.log(), path) == [expected]
