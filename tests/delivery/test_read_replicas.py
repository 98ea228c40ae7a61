"""Read replicas (core.replicas): public delivery reads go to a replica, everything else and
a client that has just written read the primary, and an unreachable replica is skipped.

Here the "replica" is a second connection to the test database (as Django's TEST MIRROR
makes it): which connection ran a query shows where a read was routed. The lag itself,
and read-your-writes against it, are shown on a real streaming replica in
tests/integration/test_read_replicas.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from content.models import Article
from core import replicas
from core.replica_middleware import PIN_COOKIE
from tests.integration.conftest import free_port

URL = "/api/v1/delivery/articles/"
REPLICA = "replica_0"
DOWN = "unreachable"  # not a replica_ alias: only the test that wants it routes there
both = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


def _add_alias(alias: str, **changes) -> None:
    settings_dict = {**connections["default"].settings_dict, **changes}
    settings_dict["TEST"] = {"MIRROR": "default"}
    connections.settings[alias] = settings_dict  # the same dict as settings.DATABASES


def _unreachable() -> dict:
    """Settings for a replica nobody answers on: a closed port, a folder that is not there."""
    default = connections["default"].settings_dict
    if default["ENGINE"].endswith("sqlite3"):
        return {"NAME": "/nonexistent/folio-replica/db.sqlite3"}
    options = {**default["OPTIONS"]}
    if isinstance(options.get("pool"), dict):
        options["pool"] = {**options["pool"], "timeout": 2}
    return {"PORT": str(free_port()), "OPTIONS": options}


@pytest.fixture(scope="module", autouse=True)
def _aliases(django_db_setup) -> Iterator[None]:
    """The replica's and the unreachable database's aliases, before any test asks for them
    (pytest-django checks a test's databases before its own fixtures run)."""
    _add_alias(REPLICA)
    _add_alias(DOWN, **_unreachable())
    yield
    for alias in (REPLICA, DOWN):
        connections[alias].close()
        if connections[alias].settings_dict["OPTIONS"].get("pool"):
            connections[alias].close_pool()  # or the test database cannot be dropped
        del connections[alias]
        del connections.settings[alias]
    replicas.reset()


@pytest.fixture
def replica(settings) -> Iterator[str]:
    """The replica alias (the test database through its own connection), routed."""
    settings.DATABASE_ROUTERS = ["core.replicas.ReplicaRouter"]
    replicas.reset()
    yield REPLICA
    replicas.reset()


def _reads(client, *args, **kwargs):
    """(response, queries on the replica, queries on the primary)."""
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(*args, **kwargs)
    return response, len(on_replica), len(on_primary)


@both
def test_an_anonymous_delivery_read_goes_to_the_replica(replica, api_client, article):
    article(title="Replicated", published=True)
    response, on_replica, on_primary = _reads(api_client, URL)
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["results"]] == ["Replicated"]
    assert (on_replica > 0, on_primary) == (True, 0)


@both
def test_the_sitemap_and_the_feed_read_the_replica(replica, client, article):
    article(title="Mapped", published=True)
    for url in ("/sitemap.xml", "/feeds/articles.atom"):
        response, on_replica, on_primary = _reads(client, url)
        assert response.status_code == 200
        assert (on_replica > 0, on_primary) == (True, 0), url


@both
def test_the_management_api_and_the_admin_read_the_primary(replica, api_client, admin_user):
    api_client.force_authenticate(admin_user)
    response, on_replica, on_primary = _reads(api_client, "/api/v1/articles/")
    assert response.status_code == 200
    assert (on_replica, on_primary > 0) == (0, True)


@both
def test_a_client_that_wrote_reads_the_primary_for_the_pin_window(
    replica, api_client, article, settings, time_machine
):
    time_machine.move_to("2026-06-01 12:00:00+00:00", tick=False)
    article(title="Mine", published=True)
    # Any unsafe request pins, whatever its outcome: here a refused sign-in.
    api_client.post("/api/v1/auth/token/", {"email": "x@example.com", "password": "no"})
    assert api_client.cookies[PIN_COOKIE]["max-age"] == 2
    response, on_replica, on_primary = _reads(api_client, URL)
    assert response.status_code == 200
    assert (on_replica, on_primary > 0) == (0, True)
    time_machine.shift(settings.DATABASE_REPLICA_PIN_SECONDS + 0.1)
    _response, on_replica, _ = _reads(api_client, URL)
    assert on_replica > 0


@both
def test_a_token_client_that_wrote_is_pinned_by_its_authorization(
    replica, api_client, article, admin_user, django_user_model
):
    article(published=True)
    writer = {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(admin_user)}"}
    reader = django_user_model.objects.create_user(email="reader@example.com", password="x")
    other = {"HTTP_AUTHORIZATION": f"Bearer {AccessToken.for_user(reader)}"}
    api_client.post("/api/v1/articles/", {}, format="json", **writer)
    api_client.cookies.clear()  # a server-side client without a cookie jar
    response, on_replica, _ = _reads(api_client, URL, **writer)
    assert (response.status_code, on_replica) == (200, 0)
    response, on_replica, _ = _reads(api_client, URL, **other)
    assert response.status_code == 200
    assert on_replica > 0


@both
def test_reads_in_a_transaction_after_a_write_and_of_accounts_stay_on_the_primary(replica):
    router = replicas.ReplicaRouter()
    with replicas.reading_from(REPLICA):
        assert router.db_for_read(Article) == REPLICA
        assert router.db_for_read(User) is None  # accounts: a revocation counts at once
        with transaction.atomic():
            assert router.db_for_read(Article) is None
        router.db_for_write(Article)
        assert router.db_for_read(Article) is None  # this request now sees its own write
    assert router.allow_migrate(REPLICA, "content") is False
    assert router.allow_migrate("default", "content") is None


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA, DOWN])
def test_an_unreachable_replica_falls_back_to_the_primary_and_is_skipped(
    monkeypatch, replica, api_client, article, caplog
):
    monkeypatch.setattr(replicas, "replica_aliases", lambda: (DOWN, REPLICA))
    article(title="Still served", published=True)
    with replicas.reading_from(DOWN):
        assert replicas.ReplicaRouter().db_for_read(Article) is None
        assert replicas.read_alias() == "default"
    assert "Read replica unreachable is unreachable" in caplog.text
    # Skipped from now on: every request goes to the replica that answers.
    assert {replicas.replica_choose() for _ in range(4)} == {REPLICA}
    response, on_replica, _ = _reads(api_client, URL)
    assert [item["title"] for item in response.json()["results"]] == ["Still served"]
    assert on_replica > 0


@pytest.mark.django_db
def test_without_replicas_writers_get_no_pin(api_client, monkeypatch):
    monkeypatch.setattr(replicas, "replica_aliases", lambda: ())
    api_client.post("/api/v1/auth/token/", {"email": "x@example.com", "password": "no"})
    assert PIN_COOKIE not in api_client.cookies
