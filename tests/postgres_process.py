"""A private PostgreSQL server on a free loopback port, for tests that stop the database.

The shared PostgreSQL on 5432 serves everyone's tests; outages are injected into this one
only: `stop()` shuts it down as an operator (or a crash) would, `start()` brings it back on
the same port with the same data. initdb refuses to run as root, so as root the server runs
as the `postgres` user, in a directory that user owns.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    for version in ("17", "16", "15", "14"):
        path = Path(f"/usr/lib/postgresql/{version}/bin")
        if (path / "initdb").exists():
            return path
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    # FOLIO_TEST_PG_PORTS="18100-18199" keeps to a range (a shared machine); else any.
    wanted = os.environ.get("FOLIO_TEST_PG_PORTS", "")
    candidates = range(*(int(p) + i for i, p in enumerate(wanted.split("-")))) if wanted else [0]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in {wanted}")


class PostgresProcess:
    """initdb into a temporary directory, then pg_ctl; `url` names its `folio` database."""

    def __init__(self):
        self.bin = _bin_dir()
        if self.bin is None:
            pytest.skip("PostgreSQL's server binaries are not installed")
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="folio-pg-"))
        self.data = self.root / "data"
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.root, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/folio"
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "folio")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        """Shut the server down (fast mode: clients are disconnected at once)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def close(self) -> None:
        subprocess.run(  # noqa: S603 - stop it if it is still up, then remove its files
            [
                *(["runuser", "-u", self.user, "--"] if self.user else []),
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            check=False,
            timeout=60,
        )
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PostgresProcess:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
