"""`role-grants/`: Administrators grant users and groups a role within a section."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from accounts.permissions import HasModelPermission, RejectApiKeys
from content import selectors
from content.filters import RoleGrantFilter
from content.serializers.grants import RoleGrantSerializer, RoleGrantWriteSerializer
from content.services import grants


@extend_schema_view(
    create=extend_schema(request=RoleGrantWriteSerializer, responses={201: RoleGrantSerializer}),
    destroy=extend_schema(responses={204: None}),
)
@extend_schema(tags=["role-grants"])
class RoleGrantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Role grants (Administrators): a user or a group holds a role on the items of a scope
    (types, a page subtree, a category and those below it, a locale)."""

    permission_classes = [HasModelPermission, RejectApiKeys]
    permission_model = "content.rolegrant"
    serializer_class = RoleGrantSerializer
    filterset_class = RoleGrantFilter

    def get_queryset(self):
        return selectors.role_grant_list()

    def create(self, request, *args, **kwargs):
        serializer = RoleGrantWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = grants.role_grant_create(actor=request.user, data=dict(serializer.validated_data))
        return Response(self.get_serializer(grant).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        grants.role_grant_delete(actor=request.user, grant=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
