"""Production: no defaults for secrets, so a missing one stops start-up."""

from __future__ import annotations

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, env, tuned_database

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": tuned_database(env.db("DATABASE_URL"))}
if CELERY_BROKER_URL == "filesystem://":
    raise RuntimeError("Set CELERY_BROKER_URL to RabbitMQ or Redis in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True

_sentry_dsn = env.str("SENTRY_DSN", default="")
if _sentry_dsn:
    import sentry_sdk

    sentry_sdk.init(dsn=_sentry_dsn, send_default_pii=False, traces_sample_rate=0.0)
