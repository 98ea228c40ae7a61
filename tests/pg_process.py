"""Private PostgreSQL servers for tests that stop, pause or replicate a database.

The shared PostgreSQL on 5432 serves everyone's tests; faults are injected into these only.
`PostgresServer.primary()` runs initdb into a temporary folder (wal_level=replica, so it can
be streamed from) and starts it on a free loopback port; `PostgresServer.standby(primary)`
copies it with `pg_basebackup -R` and starts that as a hot standby streaming from it.
As root (initdb refuses root) the servers run as the `postgres` system user.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN = Path(os.environ.get("FOLIO_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
# Ports tried first (FOLIO_TEST_PG_PORTS="18300-18399"); any free port otherwise.
_PORTS = os.environ.get("FOLIO_TEST_PG_PORTS", "")


def _free_port() -> int:
    if _PORTS:
        low, high = (int(n) for n in _PORTS.split("-"))
        for port in range(low, high + 1):
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_owner() -> list[str]:
    """The prefix that runs a server binary as a user initdb accepts."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class PostgresServer:
    """One PostgreSQL server in its own folder, on its own port."""

    def __init__(self, data_dir: Path, port: int):
        self.data_dir = data_dir
        self.port = port
        self.log_path = data_dir.parent / f"{data_dir.name}.log"

    # --- making one -----------------------------------------------------------------
    @classmethod
    def _folder(cls) -> Path:
        if not (BIN / "initdb").exists():
            pytest.skip(f"PostgreSQL server binaries are not in {BIN}")
        root = Path(tempfile.mkdtemp(prefix="folio-pg-"))
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(root, owner.pw_uid, owner.pw_gid)
        return root

    @classmethod
    def primary(cls) -> PostgresServer:
        """A new, empty server that standbys can stream from."""
        root = cls._folder()
        server = cls(root / "primary", _free_port())
        server._run(
            BIN / "initdb",
            "-D",
            str(server.data_dir),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
        )
        with (server.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(
                "wal_level = replica\nmax_wal_senders = 10\nhot_standby = on\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 200\n"
            )
        server.start()
        return server

    @classmethod
    def standby(cls, primary: PostgresServer) -> PostgresServer:
        """A hot standby of `primary`, streaming its changes (pg_basebackup -R)."""
        server = cls(primary.data_dir.parent / f"standby-{_free_port()}", _free_port())
        server._run(
            BIN / "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(server.data_dir),
            "-R",
            "-X",
            "stream",
        )
        server.start()
        return server

    # --- running it -----------------------------------------------------------------
    def _run(self, *args) -> str:
        proc = subprocess.run(  # noqa: S603 - fixed local binaries
            [*_as_owner(), *(str(a) for a in args)],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{args[0]} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data_dir} -c listen_addresses=127.0.0.1"
        self._run(
            BIN / "pg_ctl", "-D", self.data_dir, "-l", self.log_path, "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop it (mode "immediate" is a crash, as far as clients can tell)."""
        if (self.data_dir / "postmaster.pid").exists():
            self._run(BIN / "pg_ctl", "-D", self.data_dir, "-m", mode, "-w", "stop")

    def remove(self) -> None:
        """Stop it and delete its folder (the primary: the folder of its standbys too)."""
        self.stop("immediate")
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.log_path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # the temporary folder, once its last server goes
            self.data_dir.parent.rmdir()

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def sql(self, query: str, dbname: str = "postgres"):
        """Run one statement (autocommit); the first row, or None."""
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(query)
            return cursor.fetchone() if cursor.description else None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_until(self, query: str, expected, *, timeout: float = 60, dbname="postgres"):
        """Poll `query` until its first column equals `expected`."""
        deadline = time.monotonic() + timeout
        while True:
            row = self.sql(query, dbname)
            if row and row[0] == expected:
                return
            if time.monotonic() > deadline:
                pytest.fail(f"{query!r} is {row}, not {expected!r}, after {timeout}s")
            time.sleep(0.1)


@contextlib.contextmanager
def private_postgres(dbname: str = "folio") -> Iterator[PostgresServer]:
    """A private server with an empty `dbname` database, removed afterwards; for tests that
    stop the database under Folio (`stop()`, then `start()` on the same port and data)."""
    server = PostgresServer.primary()
    try:
        server.sql(f"CREATE DATABASE {dbname}")
        yield server
    finally:
        server.remove()
