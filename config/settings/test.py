"""Tests: SQLite unless DATABASE_URL is set, so CI also runs the suite on PostgreSQL."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import CACHES, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process; tests/integration drives a real worker over a real broker.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# The suite's users act without a second factor: the tests of two-factor sign-in
# (tests/accounts/mfa, tests/e2e/test_mfa.py) require it for the roles they name.
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[])
# Tests that anchor the audit log point this at their own file.
AUDIT_ANCHOR_FILE = ""
# The test client connects from 127.0.0.1: a direct client unless a test says otherwise.
TRUSTED_PROXIES: list[str] = []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A third publishable type defined in code (tests/eventapp): it must need nothing else.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.eventapp"]
# One process: the services reload the runtime types they change, and each test forgets
# them (tests/conftest.py); tests of another process's change set this to 0.
CONTENT_TYPES_CHECK_SECONDS = 10**9
# Each pytest-xdist worker keeps its keys under its own prefix: on a CACHE_URL run the
# workers share one Redis database, and one worker clearing the cache between tests
# (tests/conftest.py clears only its own prefix) must not reset another's throttle counters.
_PREFIX = f"folio-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
CACHES = {
    "default": {**CACHES["default"], "KEY_PREFIX": _PREFIX},
    # One process: presence needs no files (browser tests of several processes set their own).
    "presence": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "presence"}
        if CACHES["default"]["BACKEND"].endswith("LocMemCache")
        else {**CACHES["default"], "KEY_PREFIX": _PREFIX}
    ),
}
