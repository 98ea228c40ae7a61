"""How a database that is unavailable is answered where no view catches it (a middleware,
the admin): Django's handler500 turns it into a 503 with Retry-After, never a 500. The
end-to-end behaviour, with PostgreSQL really stopped, is tests/integration/
test_database_outage.py."""

from __future__ import annotations

import json

from django.db import OperationalError
from django.test import RequestFactory

from core.exceptions import handler500


def _answer(path: str):
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        # Django calls handler500 from inside its own `except`, as here.
        return handler500(RequestFactory().get(path))


def test_the_api_answers_503_in_the_error_format(settings):
    settings.OUTAGE_RETRY_AFTER = 7
    response = _answer("/api/v1/articles/")
    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    assert json.loads(response.content) == {
        "error": {
            "code": "database_unavailable",
            "message": "The database is unavailable; try again shortly.",
            "details": {"retry_after": 7},
        }
    }


def test_the_admin_answers_a_plain_503():
    response = _answer("/admin/content/article/")
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert response.content == b"Service temporarily unavailable."


def test_any_other_error_is_still_a_500():
    try:
        raise ValueError("a bug")
    except ValueError:
        response = handler500(RequestFactory().get("/api/v1/articles/"))
    assert response.status_code == 500
