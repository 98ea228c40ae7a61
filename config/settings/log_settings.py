"""Logging: JSON lines (or plain) on stdout, each record with its request id and user id
(and trace and span ids while tracing: core.tracing).
base.py takes these (`from .log_settings import *`)."""

from __future__ import annotations

from django_guid.integrations import CeleryIntegration

from .environment import env

# --- Logging ---------------------------------------------------------------------------
DJANGO_GUID = {
    # Read from the request and echoed on the response by core.request_id, which sets
    # django-guid's id for its log filter (below) and get_guid().
    "GUID_HEADER_NAME": "X-Request-ID",
    # Tasks log (and audit) under the id of the request that queued them; beat's get a new one.
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True)],
}
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {
            "()": "django_guid.log_filters.CorrelationId",
            "correlation_id_field": "request_id",
        },
        "user_id": {"()": "core.logging.UserIdFilter"},
        "trace": {"()": "core.logging.TraceIdFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s"
            " %(trace_id)s %(span_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "user_id", "trace"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
