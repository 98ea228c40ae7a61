"""Settings shared by every environment.

Everything is read from the environment (or `.env`) through django-environ, and every
value has a default that works with no servers installed: SQLite, the local-memory
cache and a Celery broker on the filesystem. The larger groups live in their own modules,
which this one takes whole: addresses.py (proxies, Folio's and the frontend's addresses),
admin_theme.py (the editors' admin: django-unfold's look and sidebar),
api.py (REST framework, the schema, CORS), data.py (the database and the cache),
features.py (Folio's own features) and log_settings.py.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from .addresses import *  # noqa: F403
from .admin_theme import *  # noqa: F403
from .api import *  # noqa: F403
from .data import *  # noqa: F403
from .environment import BASE_DIR, VAR_DIR, env
from .features import *  # noqa: F403
from .front_cache import *  # noqa: F403
from .jwt_signing import *  # noqa: F403
from .jwt_signing import simple_jwt_keys
from .lane import *  # noqa: F403
from .log_settings import *  # noqa: F403
from .mfa import *  # noqa: F403
from .observability import *  # noqa: F403
from .oidc import *  # noqa: F403
from .replicas import *  # noqa: F403
from .resilience import *  # noqa: F403
from .search import *  # noqa: F403
from .sessions import *  # noqa: F403

# --- Core ------------------------------------------------------------------------------
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before django.contrib.admin: its templates win, and its app swaps in its admin site.
    "unfold",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Its runserver (no 40 ms stall on kept-alive connections) wins over staticfiles'.
    "core.devserver",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "corsheaders",
    "csp",
    "django_celery_beat",
    "django_prometheus",
    "django_guid",
    "axes",
    # Two-factor sign-in (accounts/mfa): TOTP, recovery codes and passkeys as OTP devices.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_prose_editor",
    "core",
    "outbox",
    "accounts",
    # Feature flags, before waffle: its audited commands replace waffle's (an earlier
    # app's command wins).
    "flags",
    "flags.waffle_config.FolioWaffleConfig",
    "content",
    "content.runtime",
    "governance",
    # The WebSocket and SSE channel (docs/realtime.md), served by the ASGI process.
    "channels",
    "realtime",
    # After content: its `spectacular` command (which loads the types defined as data
    # first) replaces drf-spectacular's, as Django lets an earlier app's command win.
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    # Anonymous delivery reads: the rest of this list less what only the admin and the
    # management API need (config/settings/lane.py), in a loop, and cache hits for the view.
    "content.delivery.lane.DeliveryLaneMiddleware",
    "core.request_metrics.PrometheusBeforeMiddleware",
    # X-Request-ID in, or a new one; out on the response and in every log line (core.request_id).
    "core.request_id.RequestIdMiddleware",
    # Before anything reads REMOTE_ADDR: X-Forwarded-For only from our own proxies.
    "core.client_address.ClientAddressMiddleware",
    # RateLimit-* headers of the throttle a request was counted against (core.throttling).
    "core.throttling.RateLimitHeadersMiddleware",
    # Public reads to a read replica, writers pinned to the primary (config/settings/replicas.py).
    "core.replica_middleware.ReplicaRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside every middleware that reads or writes a body; static files (whitenoise,
    # above) come precompressed.
    "core.compression.ApiGZipMiddleware",
    "core.cors.CorsMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "core.middleware.NulCharacterGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether the session passed a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Each signed-in browser's "last seen" for the user's Sessions page (accounts.UserSession).
    "accounts.session_activity.SessionActivityMiddleware",
    # Runtime content types changed by another process, before the URL is resolved.
    "content.runtime.middleware.RuntimeTypesMiddleware",
    "core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The admin only for a session that passed its second factor, or for enrolment
    # (accounts.mfa.enforcement); after messages, which it leaves one in.
    "accounts.mfa.enforcement.MFAAdminMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The project policy, with the admin theme's allowance on admin pages only.
    "core.csp.FolioCSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.request_metrics.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
# Django Channels: channels-redis when CHANNEL_LAYER_URL is set (config/settings/features.py).
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py's pool refuses, rather than waits, past max_connections (100 by
                # default), and a crowd reconnecting after a restart joins the group at once.
                # Its 5 s socket timeout would cut channels-redis's 5 s blocking reads short
                # on a busy machine (a consumer then dies with a TimeoutError): 15 s.
                "hosts": [
                    {"address": CHANNEL_LAYER_URL, "max_connections": 1000, "socket_timeout": 15}
                ],
                "prefix": "folio-rt",
            },
        }
        if CHANNEL_LAYER_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

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

# --- Auth ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Roles limited to a section (content.RoleGrant): answers has_perm on items.
    "content.permissions.ScopedRoleBackend",
    # Signing in with a passkey alone (accounts.passkeys.ceremony).
    "django_otp_webauthn.backends.WebAuthnBackend",
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

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    # Tokens carry a hash of the password, so a password change voids earlier tokens.
    "CHECK_REVOKE_TOKEN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    # HS256 with this secret, or RS256 / ES256 with a key pair (config/settings/jwt_signing.py).
    **simple_jwt_keys(env.str("JWT_SIGNING_KEY", default=SECRET_KEY)),
    "TOKEN_OBTAIN_SERIALIZER": "accounts.serializers.TokenObtainSerializer",
    "TOKEN_REFRESH_SERIALIZER": "accounts.serializers.TokenRefreshSerializer",
}

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
# How long preview links work (where they lead: FRONTEND_PREVIEW_URL, in addresses.py).
CONTENT_PREVIEW_MAX_AGE = env.int("CONTENT_PREVIEW_MAX_AGE", default=60 * 60 * 24)
# How long the admin's live preview keeps an unsaved draft for the frontend's preview page
# (in the cache, under a token of its own; each pause in typing makes a new one).
CONTENT_PREVIEW_DRAFT_MAX_AGE = env.int("CONTENT_PREVIEW_DRAFT_MAX_AGE", default=10 * 60)
# How long a release preview token works (content.services.release_preview): delivery
# answers as if the release were published while a request carries it.
RELEASE_PREVIEW_SECONDS = env.int("RELEASE_PREVIEW_SECONDS", default=60 * 60 * 24)
# Editing together (content.services.edit_locks, presence, autosave): an edit lock lasts
# this long unless released or renewed; the change form sends a presence heartbeat this
# often (someone missing two is gone); it autosaves this long after the last keystroke.
CONTENT_LOCK_SECONDS = env.int("CONTENT_LOCK_SECONDS", default=4 * 60 * 60)
CONTENT_PRESENCE_HEARTBEAT_SECONDS = env.int("CONTENT_PRESENCE_HEARTBEAT_SECONDS", default=15)
CONTENT_AUTOSAVE_SECONDS = env.int("CONTENT_AUTOSAVE_SECONDS", default=3)

# --- Security headers ------------------------------------------------------------------
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

# --- Audit log anchors (governance.audit.anchor) ---------------------------------
# The HMAC key that signs checkpoints of the audit chain's head. It must never be stored in
# the database; production requires its own. Locally it is derived from the secret key.
AUDIT_ANCHOR_KEY = env.str("AUDIT_ANCHOR_KEY", default="") or f"folio-audit-anchor:{SECRET_KEY}"
