"""/metrics counts open WebSocket connections (core.metrics), up on connect, down on close."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from tests.realtime.conftest import connected

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def open_connections() -> float:
    value = REGISTRY.get_sample_value(
        "folio_websocket_connections", {"channel": "DeliveryConsumer"}
    )
    return value or 0.0


async def test_open_websocket_connections_are_counted_until_they_close():
    before = open_connections()
    async with connected():
        assert open_connections() == before + 1
        async with connected():
            assert open_connections() == before + 2
        assert open_connections() == before + 1
    assert open_connections() == before
