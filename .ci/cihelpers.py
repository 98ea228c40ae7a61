"""What `.ci/run` does in Python: `python .ci/cihelpers.py <command> [args...]`.

Each command prints its answer on stdout for the shell to read and exits non-zero when it
fails. The standard library only, plus psycopg (in .venv) for `recreate-database`; tested
in tests/ci/test_cihelpers.py.
"""

from __future__ import annotations

import argparse
import json
import secrets
import socket
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree


def _request(url: str, **kwargs) -> urllib.request.Request:
    """A request to one of the http(s) URLs CI builds itself, never file:// or another scheme."""
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")
    return urllib.request.Request(url, **kwargs)  # noqa: S310 - the scheme is checked above


def _open(request: urllib.request.Request, timeout: float):
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - see _request


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing was bound to a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_status(url: str, header: str | None = None) -> str:
    """The status code of a GET of `url` (with one "Name: value" header), or "000" when
    nothing answers."""
    request = _request(url)
    if header:
        name, value = header.split(":", 1)
        request.add_header(name, value.strip())
    try:
        with _open(request, timeout=5) as response:
            return str(response.status)
    except urllib.error.HTTPError as exc:
        return str(exc.code)
    except OSError:
        return "000"


def fetch(url: str) -> str:
    """The body of a GET of `url`; an error status or no answer raises."""
    with _open(_request(url), timeout=10) as response:
        return response.read().decode()


def ready_ok(body: str) -> bool:
    """Whether a /health/ready/ body says ok, and ok for every check it ran."""
    answer = json.loads(body)
    return answer["status"] == "ok" and all(
        check["status"] == "ok" for check in answer["checks"].values()
    )


def fetch_token(url: str, email: str, password: str) -> str:
    """The access JWT that POSTing these credentials to the token endpoint `url` answers."""
    request = _request(
        url,
        data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with _open(request, timeout=10) as response:
        return json.load(response)["access"]


def recreate_database(conninfo: str, name: str) -> None:
    """Drop the database `name` (closing its connections) and create it empty, through
    `conninfo`, a connection to another database on the same server."""
    # Imported here: only this command needs the driver.
    import psycopg
    from psycopg import sql

    with psycopg.connect(conninfo, autocommit=True) as conn:
        database = sql.Identifier(name)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(database))


def secret(nbytes: int, prefix: str = "") -> str:
    """A random URL-safe string of `nbytes` random bytes, after `prefix`."""
    return prefix + secrets.token_urlsafe(nbytes)


def server_errors(log: Path) -> list[str]:
    """Each distinct traceback in a server's JSON log (its ERROR records), with the message
    and request id; tracebacks ending alike count once."""
    seen: set[str] = set()
    reports = []
    with log.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if '"level": "ERROR"' not in line:
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue
            trace = record.get("exc_info") or ""
            if trace[-400:] in seen:
                continue
            seen.add(trace[-400:])
            heading = f"--- {record.get('message')} (request {record.get('request_id')})"
            reports.append(f"{heading}\n{trace[-4000:]}")
    return reports


def junit_totals(directory: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) over the JUnit reports junit-*.xml in `directory`; errors
    count as failures."""
    total = failed = skipped = 0
    for path in sorted(directory.glob("junit-*.xml")):
        # The suite's own reports, written by this run's pytest: no untrusted XML.
        for suite in ElementTree.parse(path).getroot().iter("testsuite"):  # noqa: S314
            total += int(suite.get("tests", 0))
            failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped += int(suite.get("skipped", 0))
    return total - failed - skipped, failed, skipped


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cihelpers.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("free-port", help=free_port.__doc__)
    status = commands.add_parser("http-status", help=http_status.__doc__)
    status.add_argument("url")
    status.add_argument("header", nargs="?")
    commands.add_parser("fetch", help=fetch.__doc__).add_argument("url")
    commands.add_parser("ready-ok", help=ready_ok.__doc__).add_argument("body")
    token = commands.add_parser("fetch-token", help=fetch_token.__doc__)
    token.add_argument("url")
    token.add_argument("email")
    token.add_argument("password")
    recreate = commands.add_parser("recreate-database", help=recreate_database.__doc__)
    recreate.add_argument("conninfo")
    recreate.add_argument("name")
    generate = commands.add_parser("secret", help=secret.__doc__)
    generate.add_argument("nbytes", type=int)
    generate.add_argument("--prefix", default="")
    commands.add_parser("server-errors", help=server_errors.__doc__).add_argument("log", type=Path)
    commands.add_parser("junit-totals", help=junit_totals.__doc__).add_argument("dir", type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit status."""
    args = _parser().parse_args(argv)
    match args.command:
        case "free-port":
            print(free_port())
        case "http-status":
            print(http_status(args.url, args.header))
        case "fetch":
            print(fetch(args.url))
        case "ready-ok":
            if not ready_ok(args.body):
                print(f"not ok: {args.body}", file=sys.stderr)
                return 1
        case "fetch-token":
            print(fetch_token(args.url, args.email, args.password))
        case "recreate-database":
            recreate_database(args.conninfo, args.name)
        case "secret":
            print(secret(args.nbytes, args.prefix))
        case "server-errors":
            for report in server_errors(args.log):
                print(report)
        case "junit-totals":
            print(*junit_totals(args.dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
