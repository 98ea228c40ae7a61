"""What a CDN in front of delivery sees: one cacheable variant per URL, whoever asks."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _vary(response) -> set[str]:
    return {name.strip().lower() for name in response.get("Vary", "").split(",") if name}


@pytest.mark.parametrize("path", ["/api/v1/delivery/articles/", "/api/v1/delivery/categories/"])
def test_public_responses_do_not_vary_on_cookies_even_for_a_signed_in_editor(article, path):
    article(title="Hello", published=True)
    anonymous = Client().get(path)
    editor = Client()
    editor.force_login(UserFactory(role="Editor"))  # an admin session cookie rides along
    signed_in = editor.get(path)
    for response in (anonymous, signed_in):
        assert response.status_code == 200
        assert "cookie" not in _vary(response)
        assert "Set-Cookie" not in response
    assert signed_in.content == anonymous.content


def test_the_admin_still_varies_on_its_session(client):
    client.force_login(UserFactory(role="Editor"))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "cookie" in _vary(response)
