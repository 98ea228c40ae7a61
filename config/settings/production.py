"""Production: no defaults for secrets or services, so a missing one stops start-up.

Every variable is documented in `.env.example`; `docs/operations.md` explains how to run.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, SIMPLE_JWT, env
from .data import CACHES, tuned_database
from .jwt_signing import simple_jwt_keys
from .replicas import REPLICA_DATABASES


def _required(name: str) -> str:
    """The variable's value. Unset or blank stops start-up: production has no fallbacks."""
    value = env.str(name, default="").strip()
    if not value:
        raise ImproperlyConfigured(
            f"Set the {name} environment variable; production has no default for it "
            "(see .env.example)."
        )
    return value


def _secret(name: str, value: str) -> str:
    """Refuse the placeholder `.env.example` ships: it is public, so anyone could sign with it."""
    if value.startswith("REPLACE-ME"):
        raise ImproperlyConfigured(f"{name} is still the placeholder from .env.example.")
    return value


DEBUG = False
SECRET_KEY = _secret("DJANGO_SECRET_KEY", _required("DJANGO_SECRET_KEY"))
# A blank JWT_SIGNING_KEY falls back to the secret key, never to an empty signing key
# (under HS256; RS256 and ES256 sign with JWT_PRIVATE_KEY).
SIMPLE_JWT = {
    **SIMPLE_JWT,
    **simple_jwt_keys(
        _secret("JWT_SIGNING_KEY", env.str("JWT_SIGNING_KEY", default="").strip() or SECRET_KEY)
    ),
}
ALLOWED_HOSTS = [host.strip() for host in _required("ALLOWED_HOSTS").split(",") if host.strip()]
AUDIT_ANCHOR_KEY = _secret("AUDIT_ANCHOR_KEY", _required("AUDIT_ANCHOR_KEY"))
DATABASES = {
    "default": tuned_database(env.db_url_config(_required("DATABASE_URL"))),
    **REPLICA_DATABASES,
}

# Throttling, the content-version counter and cached responses must be shared by every
# web process; a per-process local-memory cache would silently break all three.
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
    raise ImproperlyConfigured("Set CACHE_URL or REDIS_URL (redis://...) in production.")
_required("CELERY_BROKER_URL")
if CELERY_BROKER_URL.startswith("filesystem://"):
    raise ImproperlyConfigured(
        "Set CELERY_BROKER_URL to RabbitMQ (amqp://) or Redis (redis://) in production."
    )

# TLS terminates at the load balancer, which sets X-Forwarded-Proto. Health probes come
# from inside the network over plain HTTP, so they are exempt from the redirect.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Cookies over HTTPS only. A plain-HTTP stack (docker-compose.yml on localhost) sets
# SECURE_COOKIES=false, or the browser would drop the session and CSRF cookies and no one
# could sign in; behind TLS leave it at its default.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True

_sentry_dsn = env.str("SENTRY_DSN", default="")
if _sentry_dsn:
    import sentry_sdk

    sentry_sdk.init(
        dsn=_sentry_dsn,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        send_default_pii=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
