"""Real HTTP servers on 127.0.0.1 for tests that must not reach the internet.

A LoopbackServer serves a QuietHandler subclass in a daemon thread until close(); the
handler reaches the server's state as `self.loopback`. Receiver is the webhook receiver
the webhook tests share.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing; `self.loopback` is the server it answers for."""

    @property
    def loopback(self):
        return self.server.loopback

    def log_message(self, *args):
        pass


class LoopbackServer:
    """Serves `handler` on 127.0.0.1 (a free port; `base` is its root URL) until close()."""

    def __init__(self, handler: type[QuietHandler]):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.loopback = self
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class Request(NamedTuple):
    """One POST the Receiver got: header names lower-cased, the raw body."""

    headers: dict[str, str]
    body: bytes


class _ReceiverHandler(QuietHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.loopback.requests.append(Request(headers, body))
        self.send_response(self.loopback.status)
        self.end_headers()
        self.wfile.write(b"thanks")


class Receiver(LoopbackServer):
    """A webhook receiver at `url` that keeps each POST in `requests` and answers
    `status` (200 unless a test sets it) with the body "thanks"."""

    def __init__(self):
        self.requests: list[Request] = []
        self.status = 200
        super().__init__(_ReceiverHandler)
        self.url = f"{self.base}/hook"
