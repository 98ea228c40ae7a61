"""Real time: SUBSCRIBERS idle WebSocket subscribers on one ASGI process (daphne), the
memory each costs it, and the time from a publish's commit to its event at every
subscriber (p50, p99), over PUBLISHES publishes made through the services in this process.

    SUBSCRIBERS=1000 PUBLISHES=20 .venv/bin/python bench/realtime.py

On the embedded default (SQLite, the in-memory channel layer: the ASGI process reads the
event log every REALTIME_POLL_SECONDS) unless told otherwise; for PostgreSQL and
channels-redis, set DATABASE_URL, CACHE_URL and CHANNEL_LAYER_URL. The server listens on
BENCH_PORT (8450). The subscribers are a minimal WebSocket client on asyncio in this
process, so they and daphne share the machine's CPUs.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("REALTIME_IDLE_SECONDS", "3600")  # idle subscribers are the point
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from content.models import Article  # noqa: E402
from content.services import entries, lifecycle  # noqa: E402
from governance.models import Workflow  # noqa: E402

SUBSCRIBERS = int(os.environ.get("SUBSCRIBERS", "1000"))
PUBLISHES = int(os.environ.get("PUBLISHES", "20"))
PORT = int(os.environ.get("BENCH_PORT", "8450"))
PATH = "/ws/v1/delivery/"
LOG = ROOT / "var" / "bench-realtime-daphne.log"  # the server's output, to look at after


class Subscriber:
    """A WebSocket client just big enough for this: text frames, pings, one subscription."""

    def __init__(self) -> None:
        self.heard: dict[int, float] = {}  # article id -> when its event arrived

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", PORT)
        key = base64.b64encode(os.urandom(16)).decode()
        self.writer.write(
            f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{PORT}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        assert b" 101 " in head.split(b"\r\n", 1)[0], head
        self.send(0x1, json.dumps({"action": "subscribe", "types": ["article"]}).encode())
        _opcode, payload = await self.frame()
        assert json.loads(payload)["event"] == "subscribed", payload

    def send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        size = len(payload)
        length = bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + size.to_bytes(2)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(bytes([0x80 | opcode]) + length + mask + masked)

    async def frame(self) -> tuple[int, bytes]:
        first, second = await self.reader.readexactly(2)
        size = second & 0x7F
        if size == 126:
            size = int.from_bytes(await self.reader.readexactly(2))
        elif size == 127:
            size = int.from_bytes(await self.reader.readexactly(8))
        return first & 0x0F, await self.reader.readexactly(size)

    async def listen(self) -> None:
        while True:
            opcode, payload = await self.frame()
            if opcode == 0x9:  # the server's ping
                self.send(0xA, payload)
            elif opcode == 0x1:
                event = json.loads(payload)
                if event.get("event") == "published":
                    self.heard[event["id"]] = time.time()
            elif opcode == 0x8:
                return


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def start_server() -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(PORT),
         "config.asgi:application"],
        cwd=ROOT, env=os.environ.copy(), stdout=LOG.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/health/live/", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("daphne did not start")


def publish(admin: User, n: int) -> tuple[int, float]:
    """Publish an article; its id and when the publish committed."""
    with transaction.atomic():
        article = entries.entry_create(model=Article, actor=admin, data={"title": f"RT {n}"})
        lifecycle.entry_publish(entry=article, actor=admin)
    return article.pk, time.time()


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


async def run(admin: User, server: subprocess.Popen) -> None:
    idle = rss_kib(server.pid)
    subscribers = [Subscriber() for _ in range(SUBSCRIBERS)]
    started = time.perf_counter()
    for start in range(0, SUBSCRIBERS, 100):  # in batches, as a crowd arrives
        await asyncio.gather(*(s.connect() for s in subscribers[start : start + 100]))
    connect_seconds = time.perf_counter() - started
    listeners = [asyncio.create_task(s.listen()) for s in subscribers]
    await asyncio.sleep(2)  # let the server settle before its memory is read
    loaded = rss_kib(server.pid)
    latencies: list[float] = []
    last_ones: list[float] = []
    for n in range(PUBLISHES):
        article_id, committed = await asyncio.to_thread(publish, admin, n)
        deadline = time.monotonic() + 30
        while any(article_id not in s.heard for s in subscribers):
            if time.monotonic() > deadline:
                missing = sum(article_id not in s.heard for s in subscribers)
                closed = sum(task.done() for task in listeners)
                raise SystemExit(
                    f"publish {n}: {missing} subscribers did not hear it within 30 s "
                    f"({closed} connections closed)"
                )
            await asyncio.sleep(0.01)
        heard = [(s.heard[article_id] - committed) * 1000 for s in subscribers]
        latencies += heard
        last_ones.append(max(heard))
    for task in listeners:
        task.cancel()
    layer = "channels-redis" if os.environ.get("CHANNEL_LAYER_URL") else "in-memory (log read)"
    print(f"{connection.vendor}, {layer}: {SUBSCRIBERS} subscribers, {PUBLISHES} publishes")
    print(f"connect all:          {connect_seconds:.1f} s")
    print(f"daphne RSS idle:      {idle / 1024:.1f} MiB")
    print(f"daphne RSS loaded:    {loaded / 1024:.1f} MiB")
    print(f"per connection:       {(loaded - idle) / SUBSCRIBERS:.1f} KiB")
    print(
        f"commit -> event, every subscriber: min {min(latencies):.0f} ms, "
        f"p50 {percentile(latencies, 50):.0f} ms, "
        f"p99 {percentile(latencies, 99):.0f} ms, max {max(latencies):.0f} ms"
    )
    print(f"commit -> the last subscriber, per publish: median "
          f"{statistics.median(last_ones):.0f} ms")  # fmt: skip


def main() -> None:
    call_command("migrate", verbosity=0)
    Workflow.objects.update(is_active=False)  # publish straight away
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        email="bench-realtime@folio.local", password=None
    )
    server = start_server()
    try:
        asyncio.run(run(admin, server))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
