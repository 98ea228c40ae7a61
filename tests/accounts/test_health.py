"""Operations endpoints: probes, request ids, metrics, the schema and the offline docs."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
import yaml
from django.test import Client

from core import health
from tests.accounts.conftest import bearer
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client()


def test_live(client):
    response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_checks_database_cache_and_broker(client):
    response = client.get("/health/ready/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": {"status": "ok"},
        "cache": {"status": "ok"},
        "broker": {"status": "ok"},
    }


def _down(message: str):
    def check() -> None:
        raise RuntimeError(message)

    return check


def test_ready_is_503_when_the_database_is_down(client, monkeypatch):
    # We cannot stop the test database, so the database check is replaced by one that fails.
    monkeypatch.setitem(health.CHECKS, "database", _down("connection refused"))
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {"status": "error", "detail": "connection refused"}
    assert body["checks"]["cache"] == {"status": "ok"}


def test_ready_is_degraded_but_up_when_the_cache_is_down(client, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "cache", _down("redis unreachable"))
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"]["status"] == "error"


def test_request_id_is_echoed(client):
    response = client.get("/health/live/", HTTP_X_REQUEST_ID="req-1234-abcd")
    assert response["X-Request-ID"] == "req-1234-abcd"


def test_request_id_is_made_when_missing(client):
    first = client.get("/api/v1/auth/me/")["X-Request-ID"]
    second = client.get("/api/v1/auth/me/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_request_id_on_api_errors(client):
    response = client.get("/api/v1/auth/me/", HTTP_X_REQUEST_ID="trace-me")
    assert_error(response, 401)
    assert response["X-Request-ID"] == "trace-me"


def test_metrics_are_prometheus_text(client):
    client.get("/health/live/")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "# TYPE django_http_requests_total_by_method_total counter" in text
    assert re.search(r'^django_http_requests_total_by_method_total\{method="GET"\} \d', text, re.M)


def test_security_headers(client):
    response = client.get("/api/v1/auth/me/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_cors_allows_only_listed_origins(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    allowed = client.options(
        "/api/v1/auth/token/",
        HTTP_ORIGIN="https://app.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    refused = client.options(
        "/api/v1/auth/token/",
        HTTP_ORIGIN="https://evil.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert not refused.has_header("Access-Control-Allow-Origin")


# --- Schema and docs --------------------------------------------------------------------------


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_has_both_security_schemes(schema):
    assert schema["openapi"].startswith("3.")
    schemes = schema["components"]["securitySchemes"]
    jwt_scheme = schemes["jwtAuth"]
    assert jwt_scheme.items() >= {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}.items()
    assert "/.well-known/jwks.json" in jwt_scheme["description"]
    assert schemes["ApiKeyAuth"]["type"] == "apiKey"
    assert schemes["ApiKeyAuth"]["in"] == "header"
    assert schemes["ApiKeyAuth"]["name"] == "Authorization"
    me = schema["paths"]["/api/v1/auth/me/"]["get"]
    assert {"jwtAuth": []} in me["security"]
    assert {"ApiKeyAuth": []} in me["security"]


def test_schema_documents_the_accounts_api_and_its_errors(schema):
    paths = schema["paths"]
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/auth/token/refresh/",
        "/api/v1/auth/logout/",
        "/api/v1/auth/me/",
        "/api/v1/auth/password/change/",
        "/api/v1/auth/password/reset/",
        "/api/v1/auth/password/reset/confirm/",
        "/api/v1/users/",
        "/api/v1/users/{id}/",
        "/api/v1/users/{id}/deactivate/",
        "/api/v1/api-keys/",
        "/api/v1/api-keys/{id}/",
        "/api/v1/api-keys/{id}/revoke/",
    ]:
        assert path in paths, path
    create = paths["/api/v1/users/"]["post"]["responses"]
    for status in ("201", "400", "401", "403", "413", "415", "429"):
        assert status in create, status
    error = create["400"]["content"]["application/json"]["schema"]["$ref"]
    assert error.endswith("/Error")
    created_key = paths["/api/v1/api-keys/"]["post"]["responses"]["201"]
    ref = created_key["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "key" in schema["components"]["schemas"][ref]["properties"]


def _external_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']?((?:https?:)?//[^"'\s>]+)""", html)


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_work_offline(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert _external_urls(html) == []
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert scripts
    assert all(src.startswith(("/static/", "/api/")) for src in scripts), scripts
    assert "/api/schema/" in html or "?script" in html


def test_swagger_ui_script_is_local(client):
    page = client.get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="(/api/docs/\?script=[^"]*)"', page)
    assert script_url, page
    script = client.get(script_url.group(1).replace("&amp;", "&"))
    assert script.status_code == 200
    body = script.content.decode()
    assert "/api/schema/" in body
    assert not re.search(r"https?://", body)


def test_redoc_bundle_is_served_without_redoclys_cdn(client):
    """The sidecar's bundle draws Redocly's logo from cdn.redoc.ly; Folio's copy does not."""
    page = client.get("/api/redoc/").content.decode()
    bundle_url = re.search(r'<script src="(/api/redoc/redoc\.standalone\.js\?v=\w+)"', page)
    assert bundle_url, page
    bundle = client.get(bundle_url.group(1))
    assert bundle.status_code == 200
    assert bundle["Content-Type"].startswith("application/javascript")
    assert "immutable" in bundle["Cache-Control"]  # the URL changes with the bundle
    body = b"".join(bundle.streaming_content) if bundle.streaming else bundle.content
    assert b"Redoc" in body
    assert b"cdn.redoc.ly" not in body
    assert b"data:image/svg+xml" in body


@pytest.fixture
def log_output():
    """What the console log handler writes (its real filters and formatter), as text."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def _request_logs(stream: io.StringIO) -> list[dict]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    stream.seek(0)
    stream.truncate()
    return [line for line in lines if line["logger"] == "django.request"]


def test_logs_are_json_with_request_and_user_id(log_output):
    viewer = UserFactory(role="Viewer")
    client = Client(HTTP_AUTHORIZATION=bearer(viewer))
    assert client.get("/api/v1/users/", HTTP_X_REQUEST_ID="log-me-123").status_code == 403
    lines = _request_logs(log_output)
    assert lines, "the refused request was not logged"
    assert lines[-1]["request_id"] == "log-me-123"
    assert lines[-1]["user_id"] == viewer.pk
    assert lines[-1]["level"] == "WARNING"

    Client().get("/api/v1/users/", HTTP_X_REQUEST_ID="anon-456")
    lines = _request_logs(log_output)
    assert lines[-1]["request_id"] == "anon-456"
    assert lines[-1]["user_id"] is None
