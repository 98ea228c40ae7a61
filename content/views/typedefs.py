"""`content-types/`: every type a frontend can work with, in one list, and the definition
of runtime types (Administrators). Writes go through content.runtime.definitions, whose
ValidationError (every problem at once, by path) the error handler turns into one 400."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound
from rest_framework.response import Response

from accounts.permissions import HasModelPermission
from content.models import TypeDefinition, TypeRevision
from content.runtime.definitions import describe, type_create, type_update
from content.serializers.typedefs import (
    TypeDefinitionSerializer,
    TypeDefinitionWriteSerializer,
    TypeRevisionSerializer,
    builtin_describe,
)
from content.types import entry_types
from content.views.type_promotion import PROMOTION_PERMISSIONS, TypePromotionMixin
from content.views.versioning import etag, expected_version
from flags.capabilities import SWITCHED_OFF_STATUS

API_ID = r"[a-z][a-z0-9_]*"
# The actions that write types: refused (503) while runtime types are switched off.
WRITES = frozenset({"create", "partial_update", "apply", "purge_field"})


def runtime_describe(definition: TypeDefinition) -> dict[str, Any]:
    return {
        **describe(definition),
        "builtin": False,
        "revision": definition.revision,
        "endpoint": f"/api/v1/entries/{definition.api_id}/",
    }


@extend_schema(tags=["content-types"])
class ContentTypeViewSet(TypePromotionMixin, viewsets.GenericViewSet):
    """Content types: the built-in ones (read-only) and those defined as data."""

    permission_classes = [HasModelPermission]
    permission_model = "content.typedefinition"
    # The service asks for content.add_typedefinition on every write; so does the API.
    action_permissions = {
        "create": "add",
        "partial_update": "add",
        "revisions": "view",
        **PROMOTION_PERMISSIONS,
    }
    serializer_class = TypeDefinitionSerializer
    lookup_field = "api_id"
    lookup_value_regex = API_ID
    versioned = True  # PATCH documents 412/428 in the schema
    http_method_names = ["get", "post", "patch", "head", "options"]

    @property
    def extra_error_statuses(self) -> dict[str, str]:
        return SWITCHED_OFF_STATUS if self.action in WRITES else {}

    def get_queryset(self):
        return TypeDefinition.objects.prefetch_related("fields")

    def _builtin(self, api_id: str):
        return next((t for t in entry_types() if not t.runtime and t.api_name == api_id), None)

    def _definition(self, api_id: str) -> TypeDefinition:
        definition = self.get_queryset().filter(api_id=api_id).first()
        if definition is None:
            raise NotFound(f"No content type is called {api_id!r}.")
        return definition

    def _respond(self, definition: TypeDefinition, status_code=status.HTTP_200_OK) -> Response:
        response = Response(self.get_serializer(runtime_describe(definition)).data, status_code)
        response["ETag"] = etag(definition.revision)
        return response

    def list(self, request, *args, **kwargs):
        """Every type: the built-in ones first, then those defined as data, by name."""
        items = [builtin_describe(t) for t in entry_types() if not t.runtime]
        items += [runtime_describe(d) for d in self.get_queryset()]
        page = self.paginate_queryset(items)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, api_id=None, **kwargs):
        """One type; a type defined as data has its `revision` as its ETag (send it back
        as If-Match to change it)."""
        builtin = self._builtin(api_id)
        if builtin is not None:
            return Response(self.get_serializer(builtin_describe(builtin)).data)
        return self._respond(self._definition(api_id))

    @extend_schema(request=TypeDefinitionWriteSerializer, responses={201: TypeDefinitionSerializer})
    def create(self, request, *args, **kwargs):
        """Define a type (Administrators). Every problem is listed in one 400, by path
        (`fields[2].options`)."""
        definition = type_create(actor=request.user, data=request.data)
        return self._respond(definition, status.HTTP_201_CREATED)

    @extend_schema(request=TypeDefinitionWriteSerializer)
    def partial_update(self, request, api_id=None, **kwargs):
        """Change a type (Administrators), sending the `revision` you read as If-Match
        (or a `revision` field): 428 without it, 412 when the type has changed since. A change
        that would make existing entries invalid is refused, naming them; built-in types are
        defined in code (405)."""
        builtin = self._builtin(api_id)
        if builtin is not None:
            raise MethodNotAllowed(
                request.method,
                detail=f"{builtin.api_name!r} is built in (defined in code); "
                "its fields can't be changed through the API.",
            )
        definition = self._definition(api_id)
        data = request.data
        body = data.get("revision") if isinstance(data, dict) else None
        expected = expected_version(request, body_version=body if type(body) is int else None)
        definition = type_update(
            actor=request.user, definition=definition, data=data, expected_revision=expected
        )
        return self._respond(self._definition(definition.api_id))  # its fields as saved

    @extend_schema(responses={200: TypeRevisionSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def revisions(self, request, api_id=None):
        """The type's numbered definitions, newest first (none for a built-in type)."""
        if self._builtin(api_id) is not None:
            revisions = TypeRevision.objects.none()
        else:
            revisions = TypeRevision.objects.filter(definition=self._definition(api_id))
        page = self.paginate_queryset(revisions.order_by("-number"))
        return self.get_paginated_response(TypeRevisionSerializer(page, many=True).data)
