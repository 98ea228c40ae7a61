"""Purging the front cache (Varnish with xkey, deploy/varnish/) when what the public sees
changes, so a front cache may keep delivery responses for their whole max-age and still
never serve a takedown once it has committed (docs/operations.md, "Front cache").

`on_delivery_changed` hears content.delivery.events inside the change's transaction and
writes one outbox job with the surrogate keys of what changed ("article article-7"): the
job commits or rolls back with the change, and runs only once it has committed (a purge
before the commit would let the old response be fetched and stored again), and
FRONT_CACHE_PURGE_DELAY after it: past the web processes' lease on the content version
(content.delivery.local), which could otherwise answer the refetch with the old response.
The job's task sends `PURGE /` with `xkey-purge: <keys>` to each FRONT_CACHE_PURGE_URLS
address, behind that host's circuit breaker (core.breakers, "front-cache:<host>"); any
failure fails the job, which the outbox retries with backoff and keeps, dead, for an
operator (outbox.services). Purging a key twice is harmless, so retrying every address is too.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import urllib3
from django.conf import settings

from core import breakers
from outbox.services import job_enqueue

logger = logging.getLogger(__name__)
_pool = urllib3.PoolManager(retries=False)
MAX_KEY_HEADER = 8000  # characters of keys in one request: Varnish's headers stay small


class PurgeFailed(Exception):
    """A front cache answered a purge with anything but 200: counted by its breaker."""


def on_delivery_changed(sender: Any, events: list[dict[str, Any]], **kwargs: Any) -> None:
    """content.hooks.delivery_changed: one purge job for these events' surrogate keys."""
    if not settings.FRONT_CACHE_PURGE_URLS:
        return
    keys = sorted({key for event in events for key in event["surrogate_keys"]})
    if keys:
        from content.delivery.tasks import front_cache_purge_task  # tasks import this module

        job_enqueue(front_cache_purge_task, countdown=settings.FRONT_CACHE_PURGE_DELAY, keys=keys)


def _batches(keys: list[str]) -> list[str]:
    """The keys as `xkey-purge` header values of at most MAX_KEY_HEADER characters."""
    batches, current = [], ""
    for key in keys:
        if current and len(current) + 1 + len(key) > MAX_KEY_HEADER:
            batches.append(current)
            current = ""
        current = f"{current} {key}" if current else key
    return [*batches, current] if current else batches


def _purge(url: str, header: str) -> int:
    response = _pool.request(
        "PURGE",
        url.rstrip("/") + "/",
        headers={"xkey-purge": header, "User-Agent": "Folio-Front-Cache/1"},
        timeout=settings.FRONT_CACHE_PURGE_TIMEOUT,
    )
    if response.status != 200:
        raise PurgeFailed(f"{url} answered the purge with HTTP {response.status}")
    return response.status


def front_cache_purge(*, keys: list[str]) -> int:
    """Purge `keys` from every front cache; how many caches were purged. Raises (so the
    outbox retries) if any could not be: the others are purged again on the retry."""
    failures = []
    purged = 0
    for url in settings.FRONT_CACHE_PURGE_URLS:
        guard = breakers.for_host("front-cache", url)
        started = time.monotonic()
        try:
            for header in _batches(keys):
                breakers.guarded(
                    guard,
                    _purge,
                    url,
                    header,
                    counts=(PurgeFailed, OSError, urllib3.exceptions.HTTPError),
                )
        except Exception as exc:  # a refusal, a timeout, an open breaker: retried later
            failures.append(f"{url}: {type(exc).__name__}: {exc}")
            continue
        purged += 1
        logger.info(
            "front cache %s purged %s keys",
            url,
            len(keys),
            extra={
                "front_cache": url,
                "keys": " ".join(keys)[:500],
                "duration_ms": round((time.monotonic() - started) * 1000),
            },
        )
    if failures:
        logger.warning("front cache purge failed: %s", "; ".join(failures))
        raise PurgeFailed("; ".join(failures))
    return purged
