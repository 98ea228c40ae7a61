"""JWT signing is configured from the environment (config/settings/jwt_signing.py), and a
configuration that cannot sign stops start-up with ImproperlyConfigured naming the
variable, as gunicorn, daphne or celery would start: in a fresh interpreter each."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.accounts.signing import ec_pem, public_pem, rsa_pem

ROOT = Path(__file__).resolve().parents[2]
JWT_VARIABLES = (
    "JWT_ALGORITHM",
    "JWT_PRIVATE_KEY",
    "JWT_PRIVATE_KEY_FILE",
    "JWT_PUBLIC_KEY",
    "JWT_PUBLIC_KEY_FILE",
    "JWT_PREVIOUS_PUBLIC_KEYS",
    "JWT_PREVIOUS_PUBLIC_KEYS_FILE",
)
# Starts Django (AppConfig.ready parses the keys) and prints the published key set.
START = (
    "import json, django; django.setup(); "
    "from accounts.jwt_keys import signing_keys; print(json.dumps(signing_keys().jwks()))"
)


def start(**env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in JWT_VARIABLES}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", START],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "LOG_FORMAT": "plain",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def one_line(pem: str) -> str:
    """A PEM as a one-line environment variable carries it: newlines written as `\\n`."""
    return pem.replace("\n", "\\n")


def failure(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode != 0, proc.stdout
    return proc.stderr.strip().splitlines()[-1]


def test_a_key_pair_from_the_environment_or_files_signs_and_is_published(tmp_path):
    proc = start(JWT_ALGORITHM="ES256", JWT_PRIVATE_KEY=one_line(ec_pem()))
    assert proc.returncode == 0, proc.stderr
    ((key,),) = json.loads(proc.stdout).values()
    assert (key["alg"], key["crv"]) == ("ES256", "P-256")

    # From mounted files: the private key, and two previous keys in one file.
    (tmp_path / "private.pem").write_text(rsa_pem())
    (tmp_path / "previous.pem").write_text(public_pem(rsa_pem("b")) + public_pem(ec_pem()))
    proc = start(
        JWT_ALGORITHM="rs256",
        JWT_PRIVATE_KEY_FILE=str(tmp_path / "private.pem"),
        JWT_PREVIOUS_PUBLIC_KEYS_FILE=str(tmp_path / "previous.pem"),
    )
    assert proc.returncode == 0, proc.stderr
    assert [key["alg"] for key in json.loads(proc.stdout)["keys"]] == ["RS256", "RS256", "ES256"]


def test_start_up_stops_on_a_key_unfit_for_the_algorithm():
    proc = start(JWT_ALGORITHM="ES256", JWT_PRIVATE_KEY=one_line(rsa_pem()))
    assert failure(proc) == (
        "django.core.exceptions.ImproperlyConfigured: JWT_PRIVATE_KEY holds an RSA key of "
        "2048 bits, but JWT_ALGORITHM ES256 needs an EC P-256 key."
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"JWT_ALGORITHM": "none"}, "JWT_ALGORITHM must be one of HS256, RS256, ES256"),
        ({"JWT_ALGORITHM": "RS256"}, "set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE"),
        ({"JWT_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----"}, "JWT_ALGORITHM is HS256"),
        (
            {"JWT_ALGORITHM": "RS256", "JWT_PRIVATE_KEY_FILE": "/nonexistent/jwt.pem"},
            "JWT_PRIVATE_KEY_FILE: cannot read /nonexistent/jwt.pem",
        ),
        (
            {"JWT_ALGORITHM": "RS256", "JWT_PRIVATE_KEY": "x", "JWT_PRIVATE_KEY_FILE": "/x"},
            "Set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE, not both.",
        ),
    ],
    ids=["unknown-algorithm", "no-private-key", "key-under-hs256", "missing-file", "both"],
)
def test_start_up_stops_on_an_incomplete_configuration(env, message):
    assert message in failure(start(**env))


def test_production_signs_with_the_key_pair_and_keeps_its_secret_checks():
    production = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-production-secret-" + "x" * 40,
        "AUDIT_ANCHOR_KEY": "an-anchor-key-" + "y" * 40,
        "ALLOWED_HOSTS": "folio.example.com",
        "DATABASE_URL": "postgres://folio:pw@db.example.internal:5432/folio",
        "CACHE_URL": "redis://cache.example.internal:6379/0",
        "CELERY_BROKER_URL": "amqp://folio:pw@mq.example.internal:5672/folio",
    }
    proc = start(**production, JWT_ALGORITHM="ES256", JWT_PRIVATE_KEY=one_line(ec_pem()))
    assert proc.returncode == 0, proc.stderr
    assert [key["alg"] for key in json.loads(proc.stdout)["keys"]] == ["ES256"]
    # The placeholder secret is still refused, whichever algorithm signs.
    proc = start(
        **production,
        JWT_ALGORITHM="ES256",
        JWT_PRIVATE_KEY=one_line(ec_pem()),
        JWT_SIGNING_KEY="REPLACE-ME-please",
    )
    assert "JWT_SIGNING_KEY is still the placeholder" in failure(proc)
