"""Categories, tags, locales and redirects: small CRUD resources over services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.response import Response

from accounts.permissions import HasModelPermission
from content import selectors
from content.filters import CategoryFilter, RedirectFilter, TagFilter
from content.models import Category, Locale, Tag
from content.serializers.taxonomy import (
    CategorySerializer,
    CategoryWriteSerializer,
    LocaleSerializer,
    LocaleWriteSerializer,
    RedirectSerializer,
    RedirectUpdateSerializer,
    RedirectWriteSerializer,
    TagSerializer,
    TagWriteSerializer,
)
from content.services import entries, redirects, taxonomy


class ServiceModelViewSet(viewsets.ModelViewSet):
    """CRUD whose writes go through services; PATCH only (no PUT)."""

    permission_classes = [HasModelPermission]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    extra_error_statuses = {"409": "In use."}
    write_serializer_class: type
    update_serializer_class: type | None = None

    def _validated(self, serializer_class, partial=False) -> dict:
        serializer = serializer_class(data=self.request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def create(self, request, *args, **kwargs):
        obj = self.service_create(self._validated(self.write_serializer_class))
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        serializer_class = self.update_serializer_class or self.write_serializer_class
        obj = self.service_update(self.get_object(), self._validated(serializer_class, True))
        return Response(self.get_serializer(obj).data)

    def destroy(self, request, *args, **kwargs):
        self.service_delete(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def service_create(self, data):
        return taxonomy.taxonomy_create(
            model=self.queryset_model, actor=self.request.user, data=data
        )

    def service_update(self, obj, data):
        return taxonomy.taxonomy_update(obj=obj, actor=self.request.user, data=data)

    def service_delete(self, obj):
        taxonomy.taxonomy_delete(obj=obj, actor=self.request.user)


def _schema(tag: str, write, update=None):
    """Document the write shapes and the tag of a ServiceModelViewSet."""

    def decorate(view_class):
        view_class = extend_schema(tags=[tag])(view_class)
        return extend_schema_view(
            create=extend_schema(request=write),
            partial_update=extend_schema(request=update or write),
            destroy=extend_schema(responses={204: None}),
        )(view_class)

    return decorate


@_schema("taxonomy", CategoryWriteSerializer)
class CategoryViewSet(ServiceModelViewSet):
    permission_model = "content.category"
    queryset_model = Category
    serializer_class = CategorySerializer
    write_serializer_class = CategoryWriteSerializer
    filterset_class = CategoryFilter

    def get_queryset(self):
        return selectors.category_list()


@_schema("taxonomy", TagWriteSerializer)
class TagViewSet(ServiceModelViewSet):
    permission_model = "content.tag"
    queryset_model = Tag
    serializer_class = TagSerializer
    write_serializer_class = TagWriteSerializer
    filterset_class = TagFilter

    def get_queryset(self):
        return selectors.tag_list()


@_schema("taxonomy", LocaleWriteSerializer)
class LocaleViewSet(ServiceModelViewSet):
    permission_model = "content.locale"
    queryset_model = Locale
    serializer_class = LocaleSerializer
    write_serializer_class = LocaleWriteSerializer
    filterset_class = None

    def get_queryset(self):
        return selectors.locale_list()


@_schema("redirects", RedirectWriteSerializer, RedirectUpdateSerializer)
class RedirectViewSet(ServiceModelViewSet):
    permission_model = "content.redirect"
    serializer_class = RedirectSerializer
    write_serializer_class = RedirectWriteSerializer
    update_serializer_class = RedirectUpdateSerializer
    filterset_class = RedirectFilter

    def get_queryset(self):
        return selectors.redirect_list()

    def service_create(self, data):
        data.setdefault("locale", entries.locale_default())
        return redirects.redirect_create(actor=self.request.user, data=data)

    def service_update(self, obj, data):
        return redirects.redirect_update(redirect=obj, actor=self.request.user, data=data)

    def service_delete(self, obj):
        redirects.redirect_delete(redirect=obj, actor=self.request.user)
