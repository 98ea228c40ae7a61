"""The OpenAPI schema and its docs pages.

The schema is generated once per process, under a lock, then reused.

drf-spectacular's generation is not thread-safe: it points the views' shared schema
inspectors at the view being described and counts warnings in a global
(tfranzel/drf-spectacular#1122, #1123, #1368). Two generations at once in one process
(runserver, gunicorn threads) answer 500 or a wrong schema. The schema changes with the
code and with whatever an app declares it depends on (`schema_depends_on`: content's
types defined as data), so the first request for each state generates it while the others
wait, and every later one renders the kept copy (YAML or JSON, by `?format=` or the
Accept header).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.redoc import LocalRedocBundleMixin

_schemas: dict[tuple[Hashable, str], dict[str, Any]] = {}
_lock = threading.Lock()
_states: list[Callable[[], Hashable]] = []


def schema_depends_on(state: Callable[[], Hashable]) -> None:
    """Keep the schema per value of `state()` as well: a change of what it describes that
    needs no restart (a type defined while the process runs) shows on the next request."""
    if state not in _states:
        _states.append(state)


def _state() -> tuple[Hashable, ...]:
    return tuple(state() for state in _states)


@receiver(setting_changed, dispatch_uid="folio-schema-forget")
def _forget(**kwargs) -> None:
    """Tests that change settings get a schema generated with them."""
    _schemas.clear()


def _language() -> str:
    """The schema's language (drf-spectacular honours `?lang=`); unknown codes generate the
    same text as the default, so they share its copy and cannot grow the cache."""
    try:
        return translation.get_supported_language_variant(translation.get_language())
    except LookupError:
        return settings.LANGUAGE_CODE


class JsonErrorsMixin:
    """Errors (405, 406...) in the API's JSON error format, not in the view's own renderer
    (an OpenAPI YAML one for the schema, an HTML template for the docs), which is also
    the one DRF falls back to when the Accept header asked for something else."""

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


class SchemaView(JsonErrorsMixin, SpectacularAPIView):
    """`/api/schema/`: the kept schema."""

    def _get_schema_response(self, request) -> Response:
        # The API is not versioned: `?version=` would only rewrite info.version and, kept
        # per value, let any client grow the cache.
        key = (_state(), _language())
        schema = _schemas.get(key)
        if schema is None:
            with _lock:
                schema = _schemas.get(key)
                if schema is None:
                    generator = self.generator_class(urlconf=self.urlconf, patterns=self.patterns)
                    schema = generator.get_schema(request=request, public=self.serve_public)
                    # Only the current state's copies are worth keeping.
                    for old in [k for k in _schemas if k[0] != key[0]]:
                        del _schemas[old]
                    _schemas[key] = schema
        filename = self._get_filename(request, None)
        return Response(
            data=schema, headers={"Content-Disposition": f'inline; filename="{filename}"'}
        )


class SwaggerView(JsonErrorsMixin, SpectacularSwaggerSplitView):
    """`/api/docs/`: Swagger UI, from the sidecar's static files."""


class RedocView(JsonErrorsMixin, LocalRedocBundleMixin, SpectacularRedocView):
    """`/api/redoc/`: Redoc, from the sidecar's bundle minus its one outside address."""
