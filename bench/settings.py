"""Benchmark settings: local settings, debug off, plus the floor view's URLconf."""

from __future__ import annotations

from config.settings.local import *  # noqa: F403
from config.settings.local import REST_FRAMEWORK, env

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
LOG_LEVEL = "WARNING"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# The load generator is one client: lift the anonymous throttle for the run.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["delivery_anon"] = "10000000/min"
DELIVERY_CACHE_ENABLED = env.bool("DELIVERY_CACHE_ENABLED", default=True)
# The bench signs its Administrators in without a second factor (docs/security.md).
MFA_REQUIRED_ROLES = env.list("MFA_REQUIRED_ROLES", default=[])
