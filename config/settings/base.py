"""Settings shared by every environment.

Everything is read from the environment (or `.env`) through django-environ, and every
value has a default that works with no servers installed: SQLite, the local-memory
cache and a Celery broker on the filesystem.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .environment import BASE_DIR, VAR_DIR, env
from .features import *  # noqa: F403
from .log_settings import *  # noqa: F403

# --- Core ------------------------------------------------------------------------------
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "django_celery_beat",
    "django_prometheus",
    "django_guid",
    "axes",
    "django_prose_editor",
    "core",
    "outbox",
    "accounts",
    "content",
    "governance",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django_guid.middleware.guid_middleware",
    # Before anything reads REMOTE_ADDR: X-Forwarded-For only from our own proxies.
    "core.client_address.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside every middleware that reads or writes a body; static files (whitenoise,
    # above) come precompressed.
    "core.compression.ApiGZipMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "core.middleware.NulCharacterGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
# The proxies whose X-Forwarded-For is believed (core.client_address): addresses or
# networks, comma-separated, "*" for any peer. The same variable tells gunicorn whose
# X-Forwarded-Proto to believe, so both agree. Blank: clients connect directly.
TRUSTED_PROXIES = [p.strip() for p in env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1"])]
TRUSTED_PROXIES = [p for p in TRUSTED_PROXIES if p]
for _proxy in TRUSTED_PROXIES:
    if _proxy != "*":
        try:
            ipaddress.ip_network(_proxy, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"FORWARDED_ALLOW_IPS: {_proxy!r} is not an address or a network."
            ) from None
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Addresses -------------------------------------------------------------------------


def base_url(name: str, value: str) -> str:
    """An absolute http(s) base URL without its trailing slash, or "" for none."""
    value = value.strip().rstrip("/")
    if value and not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", value):
        raise ImproperlyConfigured(
            f"{name} must be an absolute http(s) URL such as https://www.example.com; "
            f"got {value!r}."
        )
    return value


# The port `make run` serves on (Procfile.dev); Folio's own address derives from it, and
# the links Folio sends (the admin in emails) from that.
FOLIO_PORT = env.int("FOLIO_PORT", default=8000)
FOLIO_BASE_URL = base_url(
    "FOLIO_BASE_URL",
    env.str("FOLIO_BASE_URL", default="").strip() or f"http://127.0.0.1:{FOLIO_PORT}",
)
# The public site that renders the content (content.frontend): the sitemap, the feed, the
# delivery `url` and "View on site" put paths on it. Locales served elsewhere override it:
# FRONTEND_BASE_URLS=fr=https://fr.example.com,de=https://www.example.de. Unset, public
# addresses stay paths and the admin's "View site" opens Folio's own page at /.
FRONTEND_BASE_URL = base_url("FRONTEND_BASE_URL", env.str("FRONTEND_BASE_URL", default=""))
FRONTEND_BASE_URLS = {}
for _entry in env.list("FRONTEND_BASE_URLS", default=[]):
    _locale, _sep, _url = _entry.partition("=")
    if not (_sep and _locale.strip()):
        raise ImproperlyConfigured(f"FRONTEND_BASE_URLS takes locale=url pairs; got {_entry!r}.")
    FRONTEND_BASE_URLS[_locale.strip()] = base_url(f"FRONTEND_BASE_URLS ({_locale})", _url)
# The frontend page that shows a draft, with {token} where the signed preview token goes:
# absolute, or a path on the item's frontend. Unset: the delivery API's preview JSON.
# CONTENT_PREVIEW_URL is its former name, still read.
FRONTEND_PREVIEW_URL = env.str(
    "FRONTEND_PREVIEW_URL", default=env.str("CONTENT_PREVIEW_URL", default="")
).strip()
if FRONTEND_PREVIEW_URL and "{token}" not in FRONTEND_PREVIEW_URL:
    raise ImproperlyConfigured("FRONTEND_PREVIEW_URL must hold {token}, where the token goes.")

# Links in emails (the overdue-review digest) open the admin here.
FOLIO_ADMIN_URL = env.str("FOLIO_ADMIN_URL", default=f"{FOLIO_BASE_URL}/admin/")

# --- Data ------------------------------------------------------------------------------


def tuned_database(config: dict) -> dict:
    """Add the per-engine options Folio relies on to a parsed DATABASE_URL."""
    options = config.setdefault("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = "core.postgresql"  # Django's, with faster timestamps
        # psycopg 3's pool keeps connections warm; health checks drop dead ones.
        options["pool"] = {
            "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
            "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
            "timeout": env.int("DB_POOL_TIMEOUT", default=10),
        }
        options.setdefault("connect_timeout", 5)
        # Parameters sent apart from the SQL (the extended protocol) rather than quoted into
        # it: PostgreSQL spends half the CPU on a delivery list query (57 µs against 120).
        # Statements stay unnamed and unprepared (Django's default prepare_threshold), so
        # each is planned for its own values, and PgBouncer in transaction mode still works.
        options.setdefault("server_side_binding", env.bool("DB_SERVER_SIDE_BINDING", default=True))
        config["CONN_HEALTH_CHECKS"] = True
    elif config["ENGINE"] == "django.db.backends.sqlite3":
        # Opening SQLite (and setting its pragmas) per request costs more than most queries.
        config.setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=600))
        # WAL lets the web process and the Celery worker share the file without locking out.
        options.update(
            init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            transaction_mode="IMMEDIATE",
            timeout=20,
        )
    return config


# A blank DATABASE_URL means the embedded default, as an unset one does.
DATABASES = {
    "default": tuned_database(
        env.db_url_config(
            env.str("DATABASE_URL", default="").strip() or f"sqlite:///{VAR_DIR / 'folio.sqlite3'}"
        )
    )
}
# PostgreSQL's pool checks a connection's socket at checkout instead of pinging it
# (core.postgresql), in a pool built the way Django builds its own; false keeps Django's
# pool and ping, as a Django upgrade that changes how it builds the pool may need.
DB_POOL_SOCKET_CHECK = env.bool("DB_POOL_SOCKET_CHECK", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env.str("CACHE_URL", default="").strip() or env.str("REDIS_URL", default="").strip()
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            # django-redis, logging an outage once and counting the failures (core.cache).
            "BACKEND": "core.cache.QuietRedisCache",
            "LOCATION": _cache_url,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                # A cache outage must never take the API down: misses fall through to the DB.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
elif _cache_url:
    CACHES = {"default": env.cache_url_config(_cache_url)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Roles limited to a section (content.RoleGrant): answers has_perm on items.
    "content.permissions.ScopedRoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)
# The page a reset email links to, a frontend's page (Folio's own address while there is none).
PASSWORD_RESET_URL = env.str(
    "PASSWORD_RESET_URL",
    default=f"{FRONTEND_BASE_URL or FOLIO_BASE_URL}/reset-password?uid={{uid}}&token={{token}}",
)

# Admin brute-force protection (django-axes): lock out after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Lock the (address, account) pair, so one attacker cannot lock a whole office out.
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
# The API logs in with "email", the admin form with "username".
AXES_USERNAME_CALLABLE = "accounts.authentication.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_CLIENT_IP_CALLABLE = "core.client_address.axes_client_address"
# API lockouts answer in the error format (429 + Retry-After), not with axes' HTML page.
AXES_LOCKOUT_CALLABLE = "core.exceptions.axes_lockout_response"

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Content ---------------------------------------------------------------------------
# Uploads above this many bytes are refused (the body-limit middleware reads it for multipart).
MEDIA_MAX_UPLOAD_SIZE = env.int("MEDIA_MAX_UPLOAD_SIZE", default=20 * 1024 * 1024)
# Decompression-bomb guard: images declaring more pixels than this are refused.
MEDIA_MAX_IMAGE_PIXELS = env.int("MEDIA_MAX_IMAGE_PIXELS", default=50_000_000)
# Renditions pre-generated by Celery right after an upload.
MEDIA_PREGENERATE_RENDITIONS = env.list(
    "MEDIA_PREGENERATE_RENDITIONS", default=["max-1200", "fill-400x300", "width-800|format-webp"]
)
CONTENT_DEFAULT_LOCALE = env.str("CONTENT_DEFAULT_LOCALE", default="en")
CONTENT_ARTICLE_PATH_PREFIX = env.str("CONTENT_ARTICLE_PATH_PREFIX", default="articles")
# How long preview links work (where they lead: FRONTEND_PREVIEW_URL above).
CONTENT_PREVIEW_MAX_AGE = env.int("CONTENT_PREVIEW_MAX_AGE", default=60 * 60 * 24)

# --- API -------------------------------------------------------------------------------
API_MAX_BODY_SIZE = env.int("API_MAX_BODY_SIZE", default=1024 * 1024)
# API responses (and the sitemap and feed) this size or larger are gzipped for clients that
# accept it (core.compression); smaller ones gain nothing. Django's floor is 200 bytes.
API_GZIP_MIN_BYTES = env.int("API_GZIP_MIN_BYTES", default=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_SIZE

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.JWTAuthentication",
        "accounts.authentication.ApiKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.LimitPageNumberPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.schema.FolioAutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON_RATE", default="120/min"),
        "user": env.str("THROTTLE_USER_RATE", default="1200/min"),
        "login": env.str("THROTTLE_LOGIN_RATE", default="10/min"),
        # Refresh and logout carry a signed token, not a password guess: a frontend server
        # refreshing for its users from one address needs far more than the login budget.
        "refresh": env.str("THROTTLE_REFRESH_RATE", default="120/min"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET_RATE", default="5/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    # Tokens carry a hash of the password, so a password change voids earlier tokens.
    "CHECK_REVOKE_TOKEN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": env.str("JWT_SIGNING_KEY", default=SECRET_KEY),
    "TOKEN_OBTAIN_SERIALIZER": "accounts.serializers.TokenObtainSerializer",
    "TOKEN_REFRESH_SERIALIZER": "accounts.serializers.TokenRefreshSerializer",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Folio API",
    "DESCRIPTION": "Content management with governance. Errors use "
    '`{"error": {"code", "message", "details"}}`.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "PolicyKindEnum": "governance.policies.models.PolicyKind",
        # The registered types' API names (read once the apps have registered them).
        "EntryTypeEnum": "content.types.entry_type_choices",
        "ContentStatusEnum": "content.models.base.Status",
        "SubmissionStatusEnum": "governance.workflows.models.SubmissionStatus",
        "DeliveryStatusEnum": "governance.webhooks.models.DeliveryStatus",
    },
}

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"

# django-csp 4: Swagger UI and Redoc are served from our own static files (sidecar).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Celery ----------------------------------------------------------------------------
# The embedded default is kombu's filesystem transport: a real broker that needs no server,
# so `make run` starts a real worker and beat. Production sets CELERY_BROKER_URL.
CELERY_QUEUE_DIR = Path(env.str("CELERY_QUEUE_DIR", default=str(VAR_DIR / "celery")))
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Email -----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Folio <folio@localhost>")

# --- Prometheus ------------------------------------------------------------------------
PROMETHEUS_EXPORT_MIGRATIONS = False
HEALTH_BROKER_TIMEOUT = env.float("HEALTH_BROKER_TIMEOUT", default=2.0)

# Throttles key on REMOTE_ADDR, which core.client_address has already resolved; DRF must
# not read X-Forwarded-For itself (with NUM_PROXIES unset it believes any client's).
REST_FRAMEWORK["NUM_PROXIES"] = 0
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["delivery_anon"] = env.str(
    "THROTTLE_DELIVERY_ANON_RATE", default="3000/min"
)

# --- Audit log anchors (governance.audit.anchor) ---------------------------------
# The HMAC key that signs checkpoints of the audit chain's head. It must never be stored in
# the database; production requires its own. Locally it is derived from the secret key.
AUDIT_ANCHOR_KEY = env.str("AUDIT_ANCHOR_KEY", default="") or f"folio-audit-anchor:{SECRET_KEY}"
