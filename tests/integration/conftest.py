"""Integration tests: real processes (celery worker and beat) over real services.

They are skipped unless FOLIO_INTEGRATION=1, which the integration leg of `.ci/run` and
`make test-integration` set. Once it is set nothing here skips: an unreachable service is
a failure, so CI can never go green by skipping.

The services default to the ones CI has on 127.0.0.1; override them with
FOLIO_TEST_BROKER_URL, FOLIO_TEST_RESULT_BACKEND, FOLIO_TEST_REDIS_URL and
FOLIO_TEST_DATABASE_URL. Child processes get their whole configuration explicitly, so
these tests do not depend on the settings the test run itself uses.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

ENABLED = os.environ.get("FOLIO_INTEGRATION") == "1"
BASE_DIR = Path(__file__).resolve().parents[2]

BROKER_URL = os.environ.get("FOLIO_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
RESULT_BACKEND = os.environ.get("FOLIO_TEST_RESULT_BACKEND", "redis://127.0.0.1:6379/2")
REDIS_URL = os.environ.get("FOLIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
DATABASE_URL = os.environ.get(
    "FOLIO_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)

# What production refuses to start without (config/settings/production.py).
REQUIRED = (
    "DJANGO_SECRET_KEY",
    "AUDIT_ANCHOR_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
)

# Settings a developer's shell or CI leg may carry that must not leak into a child process.
_FOLIO_ENV = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "CACHE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_QUEUE_DIR",
    "EMAIL_URL",
    "SENTRY_DSN",
)


def pytest_collection_modifyitems(config, items):
    if ENABLED:
        return
    skip = pytest.mark.skip(reason="needs real services: set FOLIO_INTEGRATION=1 (see .ci/run)")
    for item in items:
        if item.get_closest_marker("integration"):
            item.add_marker(skip)


def child_env(**overrides: str) -> dict[str, str]:
    """The environment for a Folio child process: ours, minus Folio's settings, plus these."""
    env = {k: v for k, v in os.environ.items() if k not in _FOLIO_ENV}
    env.update(LOG_FORMAT="plain", LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
    # The children's Administrators sign in with a password alone (bearer()): no second
    # factor is required of them unless a test says so (docs/security.md).
    env.update(MFA_REQUIRED_ROLES="")
    env.update(overrides)
    return env


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """`config.settings.production` on the real broker, result backend and cache."""
    settings = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "AUDIT_ANCHOR_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'folio.sqlite3'}",
        "CACHE_URL": REDIS_URL,
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_RESULT_BACKEND": RESULT_BACKEND,
    }
    return child_env(**(settings | overrides))


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> str:
    """Run `manage.py <args>` in a child process; its stdout, or a failure with its output."""
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"manage.py {args[0]} exited {proc.returncode}\n"
            f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
        )
    return proc.stdout


def django_shell(code: str, *, env: dict[str, str], timeout: float = 120) -> dict:
    """Run Python in `manage.py shell` and return the JSON it prints on its `RESULT=` line."""
    out = manage("shell", "--no-imports", "-c", code, env=env, timeout=timeout)
    for line in out.splitlines():
        if line.startswith("RESULT="):
            return json.loads(line.removeprefix("RESULT="))
    pytest.fail(f"no RESULT= line in the shell's output:\n{out}")


@dataclass
class Process:
    """A long-running child (celery worker or beat) whose output goes to a log file."""

    name: str
    args: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> Process:
        self._log = self.log_path.open("w")
        self.popen = subprocess.Popen(  # noqa: S603
            self.args,
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 60) -> None:
        """Wait until the process has logged `text`; fail early if it dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log():
                return
            if self.popen.poll() is not None:
                pytest.fail(f"{self.name} exited {self.popen.returncode}:\n{self.log()}")
            time.sleep(0.2)
        pytest.fail(f"{self.name} did not log {text!r} within {timeout}s:\n{self.log()}")

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM (celery's warm shutdown) and wait; SIGKILL and fail if it hangs."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
                self._log.close()
                pytest.fail(f"{self.name} ignored SIGTERM for {timeout}s:\n{self.log()}")
        self._log.close()
        return self.popen.returncode


def celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "config", *args]


def worker_args(*extra: str) -> list[str]:
    """A worker as production runs it (prefork), trimmed of cluster chatter for speed."""
    name = f"folio-ci-{secrets.token_hex(4)}@%h"
    return celery(
        "worker",
        "--loglevel=INFO",
        "--concurrency=1",
        f"--hostname={name}",
        "--without-gossip",
        "--without-mingle",
        *extra,
    )


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    """Children started by a test. Each must have exited cleanly (status 0) by teardown."""
    started: list[Process] = []
    yield started
    failures = []
    for proc in reversed(started):
        code = proc.stop()
        if code != 0:
            failures.append(f"{proc.name} exited {code} on SIGTERM:\n{proc.log()[-4000:]}")
    if failures:
        pytest.fail("\n\n".join(failures))


def read_emails(mail_dir: Path) -> list[str]:
    """The messages Django's file-based email backend wrote into `mail_dir`."""
    if not mail_dir.is_dir():
        return []
    return [path.read_text() for path in sorted(mail_dir.glob("*.log"))]


def wait_for_email(mail_dir: Path, needle: str, *, timeout: float, proc: Process) -> str:
    """The first email containing `needle`, waiting for the worker to write it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in read_emails(mail_dir):
            if needle in message:
                return message
        if proc.popen.poll() is not None:
            pytest.fail(f"{proc.name} exited {proc.popen.returncode}:\n{proc.log()}")
        time.sleep(0.5)
    pytest.fail(f"no email containing {needle!r} within {timeout}s:\n{proc.log()}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_status(url: str, headers: dict[str, str] | None = None) -> int:
    """The response's status; 0 while nothing listens yet."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except urllib.error.URLError:
        return 0


def start_gunicorn(env: dict[str, str], tmp_path: Path, *, workers: int = 2) -> tuple[Process, str]:
    """gunicorn with config/gunicorn.py on a free port, once it answers; (process, base URL)."""
    port = free_port()
    web = Process(
        "web",
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"],
        {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)},
        tmp_path / "gunicorn.log",
    ).start()
    return web, wait_until_live(web, f"http://127.0.0.1:{port}", timeout=60)


def bearer(base: str, email: str, password: str) -> dict[str, str]:
    """Headers authenticating as `email`, with an access token from the real token endpoint."""
    response = requests.post(
        f"{base}/api/v1/auth/token/", json={"email": email, "password": password}, timeout=30
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access']}"}


def wait_until_live(proc: Process, base: str, *, timeout: float) -> str:
    """`base` once its /health/live/ answers 200; fails with `proc`'s log if it never does."""
    deadline = time.monotonic() + timeout
    while http_status(f"{base}/health/live/") != 200:
        if time.monotonic() > deadline or proc.popen.poll() is not None:
            proc.stop()
            pytest.fail(f"{proc.name} did not come up:\n{proc.log()}")
        time.sleep(0.2)
    return base


@pytest.fixture(scope="session")
def migrated_postgres(tmp_path_factory) -> Iterator[str]:
    """The URL of a `folio` database, migrated, on a private PostgreSQL server
    (tests/pg_process.py), shared by the tests that run several Folio processes on it."""
    from tests.pg_process import private_postgres

    with private_postgres() as server:
        url = server.url("folio")
        env = production_env(tmp_path_factory.mktemp("migrate"), DATABASE_URL=url)
        manage("migrate", "--noinput", env=env, timeout=600)
        yield url


NGINX = os.environ.get("FOLIO_TEST_NGINX", "/usr/sbin/nginx")


def start_nginx(tmp_path: Path, upstreams: list[str]) -> tuple[Process, str]:
    """nginx in front of `upstreams` (base URLs), taking turns, on a free port, as this
    process's own child with a private config; (process, base URL). Each response names the
    upstream that answered in X-Upstream."""
    if not Path(NGINX).exists():
        pytest.fail(f"nginx is not installed at {NGINX} (apt-get install nginx)")
    port = free_port()
    servers = "".join(f"    server {url.removeprefix('http://')};\n" for url in upstreams)
    temp = tmp_path / "nginx"
    temp.mkdir(exist_ok=True)
    config = tmp_path / "nginx.conf"
    config.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"""worker_processes 1;
pid {temp}/nginx.pid;
error_log {temp}/error.log warn;
events {{ worker_connections 512; }}
http {{
  access_log {temp}/access.log;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  upstream folio {{
{servers}  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://folio;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      add_header X-Upstream $upstream_addr always;
    }}
  }}
}}
"""
    )
    proxy = Process(
        "nginx",
        [NGINX, "-c", str(config), "-p", str(temp), "-g", "daemon off;"],
        child_env(),
        tmp_path / "nginx.log",
    ).start()
    return proxy, wait_until_live(proxy, f"http://127.0.0.1:{port}", timeout=30)
