"""The API: body limits, Django REST framework, the OpenAPI schema and CORS. base.py takes
them (`from .api import *`); the JWT settings sit with the rest of auth in base.py."""

from __future__ import annotations

from corsheaders.defaults import default_headers

from .environment import env

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
        # DRF's, sending RateLimit-* headers (core.throttling); an API key's own rate
        # replaces the user rate for requests made with it (accounts.throttling).
        "core.throttling.AnonRateThrottle",
        "accounts.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON_RATE", default="120/min"),
        "user": env.str("THROTTLE_USER_RATE", default="1200/min"),
        "login": env.str("THROTTLE_LOGIN_RATE", default="10/min"),
        # Refresh and logout carry a signed token, not a password guess: a frontend server
        # refreshing for its users from one address needs far more than the login budget.
        "refresh": env.str("THROTTLE_REFRESH_RATE", default="120/min"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET_RATE", default="5/min"),
        # Anonymous delivery traffic per client (content.delivery.throttling).
        "delivery_anon": env.str("THROTTLE_DELIVERY_ANON_RATE", default="3000/min"),
    },
    # Throttles key on REMOTE_ADDR, which core.client_address has already resolved; DRF must
    # not read X-Forwarded-For itself (with NUM_PROXIES unset it believes any client's).
    "NUM_PROXIES": 0,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
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
    # A route serving many resources (entries/<api_id>/) is described once per resource,
    # and the enum overrides follow the types defined while the process runs.
    "PREPROCESSING_HOOKS": ["core.schema.fresh_enum_names", "core.schema_paths.expand_endpoints"],
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
# A browser frontend may send a release preview token as a header (a custom header needs
# a preflight's leave), and read the request id and which items a preview left out.
CORS_ALLOW_HEADERS = (*default_headers, "x-folio-release-preview")
CORS_EXPOSE_HEADERS = ["X-Request-ID", "X-Folio-Release", "X-Folio-Release-Blocked"]
# A browser client may read its throttle budget (core.throttling) and when to retry.
CORS_EXPOSE_HEADERS += ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"]
