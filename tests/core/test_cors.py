"""The CORS policy (core.cors: django-cors-headers as hooks) on the delivery lane and on
the management API: what a browser on another origin is told."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

ALLOWED = "https://app.example.com"
PATHS = ["/api/v1/delivery/articles/", "/api/v1/articles/"]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.parametrize("path", PATHS, ids=["delivery", "management"]),
    pytest.mark.usefixtures("_allowed"),
]


@pytest.fixture
def _allowed():
    with override_settings(CORS_ALLOWED_ORIGINS=[ALLOWED]):
        yield


def _vary(response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",")}


def test_an_allowed_origin_may_read_the_response(path):
    response = Client().get(path, headers={"Origin": ALLOWED})
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "origin" in _vary(response)


def test_another_origin_is_not_allowed(path):
    response = Client().get(path, headers={"Origin": "https://evil.example.net"})
    assert "Access-Control-Allow-Origin" not in response
    assert "origin" in _vary(response)


def test_without_an_origin_caches_are_still_told_the_answer_varies_by_it(path):
    response = Client().get(path)
    assert "Access-Control-Allow-Origin" not in response
    assert "origin" in _vary(response)


def test_a_preflight_is_answered_before_the_view(path):
    response = Client().options(
        path,
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert "GET" in response["Access-Control-Allow-Methods"]
