"""CI's helpers (.ci/cihelpers.py), run for real: ports bound, requests sent to a real HTTP
server, databases recreated on the suite's PostgreSQL, logs and reports read from files."""

from __future__ import annotations

import importlib.util
import json
import secrets
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from psycopg import sql
from psycopg.conninfo import make_conninfo

PATH = Path(__file__).resolve().parents[2] / ".ci" / "cihelpers.py"
_spec = importlib.util.spec_from_file_location("cihelpers", PATH)
cihelpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cihelpers)  # .ci is no package: loaded from its path

READY = {"status": "ok", "checks": {"database": {"status": "ok"}, "cache": {"status": "ok"}}}


class Handler(BaseHTTPRequestHandler):
    """A stand-in for Folio's server: /ok, /me (needs a bearer token), /health/ready/,
    and the token endpoint; anything else is a 404."""

    def do_GET(self):
        if self.path == "/ok":
            self._answer(200, b"fine")
        elif self.path == "/me":
            authorized = self.headers.get("Authorization") == "Bearer good-token"
            self._answer(200 if authorized else 401, b"{}")
        elif self.path == "/health/ready/":
            self._answer(200, json.dumps(READY).encode())
        else:
            self._answer(404, b"no")

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/token" and body == {"email": "ed@folio.local", "password": "pw"}:
            self._answer(200, json.dumps({"access": "good-token", "refresh": "r"}).encode())
        else:
            self._answer(401, b"{}")

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # quiet: pytest shows stderr on failures
        pass


@pytest.fixture(scope="module")
def server():
    """The base URL of a real HTTP server on a thread."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_free_port_is_bindable():
    port = cihelpers.free_port()
    assert 1024 <= port <= 65535
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_http_status(server):
    assert cihelpers.http_status(f"{server}/ok") == "200"
    assert cihelpers.http_status(f"{server}/nothing-here") == "404"
    assert cihelpers.http_status(f"{server}/me") == "401"
    assert cihelpers.http_status(f"{server}/me", "Authorization: Bearer good-token") == "200"


def test_http_status_is_000_when_nothing_listens():
    assert cihelpers.http_status(f"http://127.0.0.1:{cihelpers.free_port()}/") == "000"


def test_only_http_urls_are_opened():
    with pytest.raises(ValueError, match="not an http"):
        cihelpers.fetch(f"file://{PATH}")


def test_fetch_returns_the_body_and_raises_on_an_error_status(server):
    assert cihelpers.fetch(f"{server}/ok") == "fine"
    with pytest.raises(OSError, match="404"):
        cihelpers.fetch(f"{server}/nothing-here")


def test_ready_ok_needs_every_check_ok(server):
    assert cihelpers.ready_ok(cihelpers.fetch(f"{server}/health/ready/"))
    degraded = {**READY, "status": "degraded"}
    assert not cihelpers.ready_ok(json.dumps(degraded))
    one_down = {"status": "ok", "checks": {**READY["checks"], "broker": {"status": "error"}}}
    assert not cihelpers.ready_ok(json.dumps(one_down))
    with pytest.raises(ValueError, match="Expecting value"):
        cihelpers.ready_ok("<html>")


def test_ready_ok_command_fails_and_says_why(capsys):
    assert cihelpers.main(["ready-ok", json.dumps(READY)]) == 0
    assert cihelpers.main(["ready-ok", json.dumps({**READY, "status": "degraded"})]) == 1
    assert "not ok: " in capsys.readouterr().err


def test_fetch_token_posts_the_credentials(server):
    token = cihelpers.fetch_token(f"{server}/token", "ed@folio.local", "pw")
    assert token == "good-token"
    assert cihelpers.http_status(f"{server}/me", f"Authorization: Bearer {token}") == "200"
    with pytest.raises(OSError, match="401"):
        cihelpers.fetch_token(f"{server}/token", "ed@folio.local", "wrong")


def test_secret(capsys):
    first, second = cihelpers.secret(32), cihelpers.secret(32)
    assert first != second
    assert len(first) == 43  # 32 bytes, base64 without padding
    assert set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert cihelpers.main(["secret", "18", "--prefix=Fz-"]) == 0
    password = capsys.readouterr().out.strip()
    assert password.startswith("Fz-")
    assert len(password) == 3 + 24


def test_server_errors_reports_each_traceback_once(tmp_path):
    trace = "Traceback (most recent call last):\n  ...\nZeroDivisionError: division by zero"
    records = [
        {"level": "INFO", "message": "GET /", "request_id": "a"},
        {"level": "ERROR", "message": "boom", "request_id": "b", "exc_info": trace},
        {"level": "ERROR", "message": "boom again", "request_id": "c", "exc_info": trace},
        {"level": "ERROR", "message": "no trace", "request_id": "d"},
    ]
    lines = [json.dumps(r) for r in records]
    lines.insert(2, 'not json, though it says "level": "ERROR"')
    log = tmp_path / "gunicorn.log"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cihelpers.server_errors(log) == [
        f"--- boom (request b)\n{trace}",
        "--- no trace (request d)\n",
    ]


def test_server_errors_of_a_clean_log(tmp_path):
    log = tmp_path / "gunicorn.log"
    log.write_text(json.dumps({"level": "INFO", "message": "GET /"}) + "\n", encoding="utf-8")
    assert cihelpers.server_errors(log) == []


def _junit(path: Path, *suites: tuple[int, int, int, int]) -> None:
    body = "".join(
        f'<testsuite tests="{t}" failures="{f}" errors="{e}" skipped="{s}"/>'
        for t, f, e, s in suites
    )
    path.write_text(f"<testsuites>{body}</testsuites>", encoding="utf-8")


def test_junit_totals_add_up_every_report(tmp_path, capsys):
    _junit(tmp_path / "junit-sqlite.xml", (100, 0, 0, 7))
    _junit(tmp_path / "junit-postgres.xml", (90, 2, 1, 3), (10, 0, 0, 0))
    _junit(tmp_path / "schemathesis-jwt.xml", (50, 50, 0, 0))  # not a junit-*.xml
    assert cihelpers.junit_totals(tmp_path) == (187, 3, 10)
    assert cihelpers.main(["junit-totals", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "187 3 10\n"


def test_junit_totals_of_no_reports(tmp_path):
    assert cihelpers.junit_totals(tmp_path) == (0, 0, 0)


def _exists(conninfo: str, name: str) -> bool:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return found is not None


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_recreate_database_leaves_it_empty_and_closes_its_connections():
    params = connection.settings_dict
    where = {
        "host": params["HOST"] or None,
        "port": params["PORT"] or None,
        "user": params["USER"] or None,
        "password": params["PASSWORD"] or None,
    }
    maintenance = make_conninfo(dbname="postgres", **where)
    name = f"folio_cihelpers_{secrets.token_hex(4)}"
    try:
        cihelpers.recreate_database(maintenance, name)
        assert _exists(maintenance, name)
        inside = psycopg.connect(make_conninfo(dbname=name, **where), autocommit=True)
        inside.execute("CREATE TABLE leftover (id int)")
        cihelpers.recreate_database(maintenance, name)  # while `inside` is still connected
        with pytest.raises(psycopg.OperationalError):
            inside.execute("SELECT 1")
        inside.close()
        with psycopg.connect(make_conninfo(dbname=name, **where)) as fresh:
            tables = fresh.execute("SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'")
            assert tables.fetchone() == (0,)
    finally:
        with psycopg.connect(maintenance, autocommit=True) as conn:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(drop.format(sql.Identifier(name)))
    assert not _exists(maintenance, name)


def test_the_script_runs_as_ci_calls_it(tmp_path):
    _junit(tmp_path / "junit-sqlite.xml", (5, 1, 0, 1))
    run = subprocess.run(  # noqa: S603 - our own script, as .ci/run's `ci` function runs it
        [sys.executable, str(PATH), "junit-totals", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout == "3 1 1\n"
