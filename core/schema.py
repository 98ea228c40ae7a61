"""OpenAPI generation: every operation documents the errors it can return.

Generated clients and schema fuzzers (schemathesis in CI) validate error responses
against these, so each status gets the shared error envelope.
"""

from __future__ import annotations

from drf_spectacular import plumbing
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.DictField()


class ErrorSerializer(serializers.Serializer):
    """`{"error": {"code", "message", "details"}}`."""

    error = ErrorDetailSerializer()


_ERRORS = {
    "400": "Invalid input or query parameters.",
    "401": "Missing, invalid or expired credentials.",
    "403": "Authenticated, but not allowed.",
    "404": "Not found.",
    "405": "Method not allowed.",
    "429": "Too many requests; see Retry-After.",
}
_BODY_ERRORS = {
    "413": "Request body too large.",
    "415": "Unsupported media type.",
}
_VERSIONED_ERRORS = {
    "412": "Stale version; details.current_version holds the current one.",
    "428": "If-Match or `version` is required.",
}


class FolioAutoSchema(AutoSchema):
    """Adds the error responses, in the error envelope, to every operation, and the
    parameters a view class declares for all its operations (`extra_parameters`)."""

    def get_override_parameters(self):
        return [*super().get_override_parameters(), *getattr(self.view, "extra_parameters", ())]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(_ERRORS)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(_BODY_ERRORS)
        if self.method in ("PUT", "PATCH") and getattr(self.view, "versioned", False):
            errors.update(_VERSIONED_ERRORS)
        errors.update(getattr(self.view, "extra_error_statuses", {}))
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=description), code
                )
        return responses


def fresh_enum_names(endpoints):
    """Preprocessing hook: ENUM_NAME_OVERRIDES read afresh for each generation.

    drf-spectacular reads them once per process (and language), but an override may be a
    callable whose choices change while the process runs (content.types.entry_type_choices:
    types defined as data). A stale one no longer matches its enum, which is then named
    after the field with a hash (`Type577Enum`) and a warning.
    """
    plumbing._load_enum_name_overrides.cache_clear()
    return endpoints
