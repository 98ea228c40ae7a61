"""The admin pages that listen to the editors' channel: they load the real-time client
with the socket's address, and their Content-Security-Policy lets them connect to it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.content.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    client.force_login(UserFactory(role="Editor", full_name="Ana Editor"))
    return client


def socket_url(page: str) -> str:
    found = re.search(r'<script src="[^"]*folio/realtime\.js" data-url="([^"]+)"', page)
    assert found, "the page does not load the real-time client"
    return found.group(1)


def connect_src(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    return next(d.split()[1:] for d in policy.split(";") if d.split()[0] == "connect-src")


def test_the_change_form_watches_its_item_on_the_pages_own_host(signed_in):
    article = ArticleFactory()
    response = signed_in.get(reverse("admin:content_article_change", args=[article.pk]))
    page = response.content.decode()
    assert f'data-item="article:{article.pk}"' in page
    # Production: the proxy routes /ws/ to the ASGI process on the site's own address.
    assert socket_url(page) == "ws://testserver/ws/admin/"
    assert "ws://testserver" in connect_src(response)


def test_under_make_run_the_socket_is_on_the_real_time_port(signed_in, settings):
    settings.REALTIME_PUBLIC_PORT = 8001
    article = ArticleFactory()
    response = signed_in.get(
        reverse("admin:content_article_change", args=[article.pk]), HTTP_HOST="localhost:8000"
    )
    assert socket_url(response.content.decode()) == "ws://localhost:8001/ws/admin/"
    assert connect_src(response) == ["'self'", "ws://localhost:8001"]


def test_a_public_address_of_its_own_is_used_as_set(signed_in, settings):
    settings.REALTIME_PUBLIC_URL = "wss://realtime.example.com"
    response = signed_in.get(reverse("admin:index"))
    assert socket_url(response.content.decode()) == "wss://realtime.example.com/ws/admin/"
    assert "wss://realtime.example.com" in connect_src(response)


def test_the_review_queue_and_the_dashboard_refresh_live(signed_in):
    queue = signed_in.get(reverse("admin:governance_submission_changelist")).content.decode()
    assert 'id="review-queue-results" data-folio-live="review_queue"' in queue
    socket_url(queue)
    home = signed_in.get(reverse("admin:index")).content.decode()
    assert 'data-folio-live="review_queue"' in home
    socket_url(home)


def test_the_api_keeps_its_strict_policy(signed_in):
    response = signed_in.get("/api/v1/delivery/articles/")
    assert connect_src(response) == ["'self'"]


def test_where_no_real_time_process_serves_ws_the_admin_does_not_connect(signed_in, settings):
    settings.REALTIME_EDITORS_ENABLED = False
    article = ArticleFactory()
    response = signed_in.get(reverse("admin:content_article_change", args=[article.pk]))
    assert "folio/realtime.js" not in response.content.decode()
    assert connect_src(response) == ["'self'"]
