"""Sessions kept in the database and cached in Redis (cached_db), against a private
redis-server that the tests stop and stall: a Redis outage costs no one their sign-in,
and a session whose cached copy outlived its ending is signed out on its next request."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends import cached_db
from django.core.cache import caches

from accounts import user_sessions
from accounts.models import UserSession
from tests.accounts.factories import UserFactory
from tests.accounts.test_sessions import browser, signed_in
from tests.redis_process import RedisProcess, redis_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_sessions(settings):
    """Sessions in cached_db over a private Redis of this test's own."""
    with RedisProcess() as process:
        settings.CACHES = {**settings.CACHES, "default": redis_cache(process.url)}
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        settings.CIRCUIT_BREAKER_RESET_SECONDS = 0.2
        yield process
        caches["default"].close()


def test_a_redis_restart_keeps_everyone_signed_in(redis_sessions):
    client = browser(UserFactory(role="Editor"))
    assert signed_in(client)

    redis_sessions.close()  # Redis down, its memory gone
    assert signed_in(client)  # read from the database

    with RedisProcess(port=redis_sessions.port):
        assert signed_in(client)


def test_a_session_ended_whose_cached_copy_outlived_it_stays_ended(redis_sessions, settings):
    """A DEL that never reached Redis (its circuit breaker open, a stall) leaves the
    cached copy behind: the copy is put back here, as that would leave it."""
    settings.SESSION_ACTIVITY_SECONDS = 0  # the browser's next request is checked
    user = UserFactory(role="Editor")
    client = browser(user)
    assert signed_in(client)  # now cached in Redis too
    row = UserSession.objects.get(user=user)
    cache = caches[settings.SESSION_CACHE_ALIAS]
    cache_key = f"{cached_db.KEY_PREFIX}{row.session_id}"
    copy = cache.get(cache_key)
    assert copy

    user_sessions.user_session_end(actor=user, session=row)
    cache.set(cache_key, copy)

    assert signed_in(client)  # served once from the stale copy, and found ended
    assert not signed_in(client)
    assert cache.get(cache_key) is None
