"""The request id (core.request_id) under ASGI too: the real-time process serves HTTP
through the same middleware, without a thread hop for a sync-only one."""

from __future__ import annotations

import pytest
from asgiref.sync import iscoroutinefunction

from core.request_id import RequestIdMiddleware


@pytest.mark.asyncio
@pytest.mark.django_db
async def test_asgi_echoes_the_callers_id_and_makes_one_otherwise(async_client):
    given = await async_client.get("/health/live/", headers={"X-Request-ID": "asgi-given-1"})
    assert given.status_code == 200
    assert given["X-Request-ID"] == "asgi-given-1"
    made = [(await async_client.get("/health/live/"))["X-Request-ID"] for _ in range(2)]
    assert made[0] != made[1]
    assert all(len(request_id) == 32 for request_id in made)


@pytest.mark.parametrize("is_async", [False, True])
def test_the_middleware_matches_the_stack_it_is_in(is_async):
    async def async_view(request): ...

    def sync_view(request): ...

    middleware = RequestIdMiddleware(async_view if is_async else sync_view)
    assert iscoroutinefunction(middleware) is is_async
