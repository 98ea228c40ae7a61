"""`config.settings.production`: fails fast without its secrets and services, and the example
environment in `.env.example` passes `manage.py check --deploy` with no warnings.

Each case imports the settings in a fresh process, as gunicorn or celery would at start-up.
Not marked `integration`: they need no services and run in every `make test`.
"""

from __future__ import annotations

import ast
import re
import secrets
import subprocess
import sys

import pytest

from tests.integration.conftest import BASE_DIR, REQUIRED, child_env

ENV_EXAMPLE = BASE_DIR / ".env.example"

# A dev's .env fills in unset variables, which would hide a missing one.
needs_no_dotenv = pytest.mark.skipif(
    (BASE_DIR / ".env").exists(), reason="a .env in the project root supplies missing variables"
)


def example_env() -> dict[str, str]:
    """The variables .env.example sets, as a shell sourcing it would see them."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match:
            name, value = match.groups()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            values[name] = value
    return values


def production(**overrides: str | None) -> dict[str, str]:
    """A complete production environment (no services are contacted), with overrides;
    None removes a variable."""
    env = child_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        AUDIT_ANCHOR_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="folio.example.com",
        DATABASE_URL="postgres://folio:pw@db.example.internal:5432/folio",
        CACHE_URL="redis://cache.example.internal:6379/0",
        CELERY_BROKER_URL="amqp://folio:pw@mq.example.internal:5672/folio",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def import_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_complete_environment_starts():
    proc = import_settings(production())
    assert proc.returncode == 0, proc.stderr


@needs_no_dotenv
@pytest.mark.parametrize("name", REQUIRED)
@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
def test_start_up_stops_without_a_required_variable(name, value):
    proc = import_settings(production(**{name: value}))
    assert proc.returncode != 0
    assert "ImproperlyConfigured" in proc.stderr
    assert name in proc.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"CELERY_BROKER_URL": "filesystem://"}, "CELERY_BROKER_URL"),
        ({"CACHE_URL": "locmemcache://"}, "CACHE_URL"),
        ({"DJANGO_SECRET_KEY": example_env()["DJANGO_SECRET_KEY"]}, "placeholder"),
        ({"JWT_SIGNING_KEY": "REPLACE-ME-" + secrets.token_urlsafe(40)}, "JWT_SIGNING_KEY"),
        ({"AUDIT_ANCHOR_KEY": example_env()["AUDIT_ANCHOR_KEY"]}, "AUDIT_ANCHOR_KEY"),
    ],
    ids=[
        "embedded-broker",
        "local-memory-cache",
        "example-secret-key",
        "example-jwt-key",
        "example-anchor-key",
    ],
)
def test_start_up_stops_on_an_unfit_value(overrides, message):
    proc = import_settings(production(**overrides))
    assert proc.returncode != 0
    assert message in proc.stderr.splitlines()[-1]


def test_redis_url_is_accepted_instead_of_cache_url():
    proc = import_settings(production(CACHE_URL=None, REDIS_URL="redis://cache:6379/0"))
    assert proc.returncode == 0, proc.stderr


def test_the_example_environment_passes_check_deploy_with_no_warnings():
    env = child_env(**example_env())
    # What an operator must change: the placeholder secrets, refused on purpose.
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(64)
    env["AUDIT_ANCHOR_KEY"] = secrets.token_urlsafe(64)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.production"
    proc = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues (0 silenced)." in proc.stdout
    assert "WARNING" not in proc.stdout + proc.stderr


def _variables_read(path) -> set[str]:
    """Names passed as the first argument to env(...), env.<cast>(...), _required(...) and
    os.environ.get(...) / os.environ[...] in one module."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            reader = (isinstance(func, ast.Name) and func.id in ("env", "_required", "_int")) or (
                isinstance(func, ast.Attribute)
                and (
                    (isinstance(func.value, ast.Name) and func.value.id == "env")
                    or (isinstance(func.value, ast.Attribute) and func.value.attr == "environ")
                )
            )
            if reader and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def test_every_variable_the_settings_read_is_documented_in_env_example():
    modules = [
        *sorted((BASE_DIR / "config" / "settings").glob("*.py")),
        BASE_DIR / "config/gunicorn.py",
    ]
    # Not configuration: the entry points set the first, pytest-xdist the second (test.py).
    not_configuration = {"DJANGO_SETTINGS_MODULE", "PYTEST_XDIST_WORKER"}
    read = set().union(*(_variables_read(path) for path in modules)) - not_configuration
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE.read_text(), re.M))
    missing = sorted(read - documented)
    assert not missing, f"document these in .env.example: {', '.join(missing)}"


def _cookie_flags(env: dict[str, str]) -> str:
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from config.settings import production as s;"
            "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)",
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_cookies_are_secure_unless_a_plain_http_stack_says_otherwise():
    """Behind TLS by default; SECURE_COOKIES=false lets a plain-HTTP stack (the compose file
    on localhost) keep its session and CSRF cookies, so someone can sign in."""
    assert _cookie_flags(production()) == "True True"
    assert _cookie_flags(production(SECURE_COOKIES="false")) == "False False"
