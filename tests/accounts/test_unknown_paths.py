"""Every answer under /api/ is JSON in the error format, DEBUG on (`make run`) or off.

With DEBUG on, Django answers a path that matches no route with its HTML debug page and
never asks handler404, so these run both ways.
"""

from __future__ import annotations

import pytest

from tests.accounts.conftest import bearer
from tests.accounts.factories import UserFactory
from tests.assertions import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[True, False], ids=["debug", "no-debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/nosuchthing/"),
        ("delete", "/api/v1/articles/0.5/"),
        ("get", "/api/v1/articles/1/nosuchaction/"),
        ("post", "/api/v1/delivery/nosuchthing/"),
        ("get", "/api/v1/delivery/pages/abc/"),
        ("get", "/api/v1/delivery/media/-1/"),
        ("patch", "/api/v1/users/1.5/"),
        ("get", "/api/v1/"),
        ("get", "/api/"),
        ("put", "/api/v2/articles/"),
        ("get", "/api/schema/nosuchthing/"),
    ],
)
def test_unknown_api_paths_are_404_in_the_error_format(client, debug, method, path):
    error = assert_error(getattr(client, method)(path), 404, "not_found")
    assert error["details"] == {}


def test_unknown_paths_with_credentials_too(client, debug):
    editor = UserFactory(role="Editor")
    response = client.delete("/api/v1/articles/0.5/", HTTP_AUTHORIZATION=bearer(editor))
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_a_missing_trailing_slash_names_the_path(client, debug, method):
    # It used to be a redirect (which turns a POST into a GET), and with DEBUG on a POST
    # raised "You called this URL via POST, but the URL doesn't end in a slash": a 500.
    response = getattr(client, method)("/api/v1/articles?status=draft", content_type="text/plain")
    error = assert_error(response, 404, "not_found")
    assert error["details"] == {"path": "/api/v1/articles/"}
    assert "slash" in error["message"]


def test_a_path_that_is_unknown_with_a_slash_too_names_nothing(client, debug):
    error = assert_error(client.get("/api/v1/nosuchthing"), 404, "not_found")
    assert error["details"] == {}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/v1/delivery/articles/"),
        ("delete", "/api/v1/auth/token/"),
        ("put", "/api/v1/auth/me/"),
        ("post", "/api/schema/"),
        ("delete", "/api/schema/"),
    ],
)
def test_a_wrong_method_on_a_known_path_is_405_in_the_error_format(client, debug, method, path):
    editor = UserFactory(role="Editor")
    response = getattr(client, method)(path, HTTP_AUTHORIZATION=bearer(editor))
    assert_error(response, 405, "method_not_allowed")


def test_the_schema_refuses_an_unknown_format_in_the_error_format(client, debug):
    assert_error(client.get("/api/schema/", {"format": "xml"}), 404)
    assert_error(client.get("/api/schema/", HTTP_ACCEPT="text/html"), 406, "not_acceptable")


def test_paths_outside_the_api_keep_django_s_pages(client, debug):
    response = client.get("/nosuchpage/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_pages_refuse_a_wrong_method_in_the_error_format(client, debug, path):
    assert_error(client.post(path), 405, "method_not_allowed")


@pytest.mark.parametrize("path", ["/api/v1/delivery/articles/", "/api/v1/articles/"])
def test_too_many_query_parameters_is_a_400_in_the_error_format(client, debug, path):
    editor = UserFactory(role="Editor")
    query = "&".join(f"p{i}=1" for i in range(1100))  # DATA_UPLOAD_MAX_NUMBER_FIELDS: 1000
    response = client.get(f"{path}?{query}", HTTP_AUTHORIZATION=bearer(editor))
    assert_error(response, 400, "parse_error")


def test_a_request_django_refuses_before_any_view_is_a_400_in_the_error_format(client, settings):
    # handler400: here a Host that is not in ALLOWED_HOSTS (DEBUG off, as in production).
    settings.DEBUG = False
    response = client.get("/api/v1/delivery/articles/", HTTP_HOST="elsewhere.example")
    assert_error(response, 400, "bad_request")
    page = client.get("/admin/login/", HTTP_HOST="elsewhere.example")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
