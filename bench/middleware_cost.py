"""`make bench-middleware`: what each middleware costs an anonymous delivery GET, in µs.

In one process, with no server and no socket: Django's WSGI handler is called with a
plain WSGI environ for PATH, REPEAT times, with the whole stack and with no middleware at
all (the fastest of ROUNDS, in CPU time: on a shared machine wall time mostly measures the
neighbours). Then each hook the delivery lane calls (content.delivery.lane, in its loop:
core.flat_middleware) is timed on its own over REPEAT requests, and the view with what the
lane does in its place (a cache hit, or URL resolution and the view). Read the ordering and
the big numbers, not the last microsecond.

PATH defaults to the floor view (bench/urls.py); set it to a delivery URL to see a real
request (a cache hit when the response cache is on, its default in bench.settings).
With DJANGO_SETTINGS_MODULE=peersite.settings and Wagtail's venv (bench/peer), the first
two figures are Wagtail's floor, measured the same way.
"""

from __future__ import annotations

import io
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

PATH = os.environ.get("PATH_INFO", "/bench/floor/")
QUERY = os.environ.get("QUERY", "")
REPEAT = int(os.environ.get("REPEAT", "2000"))
ROUNDS = int(os.environ.get("ROUNDS", "5"))


def environ() -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": PATH,
        "QUERY_STRING": QUERY,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_ACCEPT": "application/json",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def per_request(middleware: list[str]) -> float | None:
    """µs per request through a handler built with `middleware`: the fastest of ROUNDS
    (None when the request fails without it: another middleware needs it)."""
    with override_settings(MIDDLEWARE=middleware):
        handler = WSGIHandler()
        status = []

        def start_response(s, headers, exc_info=None):
            status.append(s)

        for _ in range(50):  # warm up: caches, lazy imports
            b"".join(handler(environ(), start_response))
        if not status[-1].startswith(("200", "304")):
            return None
        best = float("inf")
        for _ in range(ROUNDS):
            started = time.process_time()
            for _ in range(REPEAT):
                b"".join(handler(environ(), start_response))
            best = min(best, time.process_time() - started)
    return best / REPEAT * 1e6


def per_hook() -> list[tuple[float, str]]:
    """µs per request of each hook on the lane, and of the view (or the hit) inside them."""
    handler = WSGIHandler()
    lane = handler._middleware_chain.__wrapped__  # the first middleware, unwrapped
    run = lane.lane.chain
    spent: Counter[str] = Counter()

    def timed(hook, phase: str):
        if hook is None:
            return None
        name = f"{type(hook.__self__).__name__}.{phase}" if phase != "view" else phase

        def call(*args):
            started = time.perf_counter_ns()
            try:
                return hook(*args)
            finally:
                spent[name] += time.perf_counter_ns() - started

        return call

    run.before = [timed(hook, "process_request") for hook in run.before]
    run.after = [timed(hook, "process_response") for hook in run.after]
    run.inner = timed(run.inner, "view")
    for _ in range(50):
        b"".join(handler(environ(), lambda *a: None))
    spent.clear()
    for _ in range(REPEAT * ROUNDS):
        b"".join(handler(environ(), lambda *a: None))
    spent["the view, or the cache hit in its place"] = spent.pop("view")
    return [(ns / (REPEAT * ROUNDS) / 1000, name) for name, ns in spent.most_common()]


def main() -> None:
    stack = list(settings.MIDDLEWARE)
    full, bare = per_request(stack), per_request([])
    if full is None or bare is None:
        sys.exit(f"{PATH} does not answer 200")
    print(f"{PATH}{'?' + QUERY if QUERY else ''}: {REPEAT} requests x {ROUNDS} rounds")
    print(f"whole stack: {full:8.1f} µs/request; no middleware at all: {bare:8.1f} µs")
    print(f"the middleware together: {full - bare:8.1f} µs\n")
    if "content.delivery.lane.DeliveryLaneMiddleware" not in stack:
        return  # another project's floor (make bench-middleware runs Wagtail's too)
    print("| on the delivery lane | µs/request |")
    print("|---|---:|")
    for cost, name in per_hook():
        print(f"| `{name}` | {cost:6.2f} |")


if __name__ == "__main__":
    main()
