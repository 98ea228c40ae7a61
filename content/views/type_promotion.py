"""The promotion and purge routes of `content-types/` (Administrators): export every runtime
type as one document, say what applying a document would change, apply it (a dry run
unless {"apply": true}), and purge a removed field's values. The rules are
content.runtime.promotion's and content.runtime.removed's; their ValidationError is a 400."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from content.runtime.promotion import (
    TypePlan,
    check_document,
    diff_lines,
    schema_apply,
    schema_document,
    schema_plan,
)
from content.runtime.removed import field_purge

# The service asks for content.add_typedefinition; so does the API, for reads too (an
# export is every type's whole definition, a promotion tool, not discovery).
PROMOTION_PERMISSIONS = {"export": "add", "diff": "add", "apply": "add", "purge_field": "add"}


def _plans_out(plans: list[TypePlan]) -> dict[str, Any]:
    return {
        "changed": any(p.changes for p in plans),
        "lines": diff_lines(plans),
        "types": [
            {"api_id": p.api_id, "new": p.new, "changes": [c.strip() for c in p.changes]}
            for p in plans
            if p.changes
        ],
    }


def _document(data: Any) -> dict[str, Any]:
    check_document(data)
    return data


class TypePromotionMixin:
    """For ContentTypeViewSet (which maps these actions to content.add_typedefinition)."""

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["get"])
    def export(self, request):
        """Every runtime type with its fields' keys: {"format": 1, "types": [...]}."""
        return Response(schema_document())

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def diff(self, request):
        """What applying the posted export document here would change (nothing is written)."""
        return Response(_plans_out(schema_plan(_document(request.data))))

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def apply(self, request):
        """Apply the posted export document, all or nothing: a dry run (the diff) unless
        the body has "apply": true. A refused change is a 400 naming the type and path."""
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": ["The document must be a JSON object."]})
        document = {k: v for k, v in data.items() if k != "apply"}
        if data.get("apply", False) not in (True, False):
            raise ValidationError({"apply": ["Must be true or false."]})
        plans = schema_apply(
            actor=request.user, document=_document(document), dry_run=not data.get("apply")
        )
        return Response({**_plans_out(plans), "applied": bool(data.get("apply"))})

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], url_path="purge-field")
    def purge_field(self, request, api_id=None):
        """Delete a removed field's values from every entry, and the field (revisions keep
        theirs). Refused for a live field: remove it first."""
        definition = self._definition(api_id)
        key = request.data.get("key") if isinstance(request.data, dict) else None
        purged = field_purge(actor=request.user, definition=definition, key=key)
        return Response({"key": key, "entries": purged})
