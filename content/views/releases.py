"""`releases/`: build a release, validate it, publish it (now or at a time) and revert it.
Every rule is in content.services.releases and release_publishing."""

from __future__ import annotations

from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from accounts.permissions import HasModelPermission
from content.models import Release
from content.serializers.releases import (
    ReleaseItemAddSerializer,
    ReleaseItemSerializer,
    ReleasePreviewTokenSerializer,
    ReleasePublishSerializer,
    ReleaseRevertSerializer,
    ReleaseSerializer,
    ReleaseUpdateSerializer,
    ReleaseValidationSerializer,
    ReleaseWriteSerializer,
)
from content.services import release_publishing as publishing
from content.services import releases
from content.services.release_preview import release_preview_token_create
from content.services.revisions import revision_list
from content.types import entry_type


@extend_schema_view(
    create=extend_schema(request=ReleaseWriteSerializer, responses={201: ReleaseSerializer}),
    partial_update=extend_schema(request=ReleaseUpdateSerializer),
    destroy=extend_schema(responses={204: None}),
)
@extend_schema(tags=["releases"])
class ReleaseViewSet(viewsets.ModelViewSet):
    """Releases: named sets of changes that go live together (Editors)."""

    permission_classes = [HasModelPermission]
    permission_model = "content.release"
    action_permissions = {
        "items": "view",
        "item_add": "change",
        "item_remove": "change",
        "validate": "change",
        "publish": "change",
        "unschedule": "change",
        "revert": "change",
        "preview_token": "change",
    }
    serializer_class = ReleaseSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Release.objects.annotate(
            item_count=Count("items"),
            blocked_count=Count("items", filter=~Q(items__blockers=[])),
        ).order_by("-created_at", "-pk")

    def _respond(self, release: Release, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=release.pk)).data, code)

    def create(self, request, *args, **kwargs):
        data = ReleaseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        release = releases.release_create(actor=request.user, **data.validated_data)
        return self._respond(release, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        data = ReleaseUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        release = releases.release_update(
            actor=request.user, release=self.get_object(), data=dict(data.validated_data)
        )
        return self._respond(release)

    def destroy(self, request, *args, **kwargs):
        releases.release_delete(actor=request.user, release=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _items_page(self, release: Release):
        items = release.items.select_related("content_type", "revision", "previous_revision")
        page = self.paginate_queryset(items)
        context = {"entries": releases.entries_of(page)}
        return self.get_paginated_response(
            ReleaseItemSerializer(page, many=True, context=context).data
        )

    @extend_schema(responses=ReleaseItemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def items(self, request, pk=None):
        """The release's items, each with what blocked it when last checked."""
        return self._items_page(self.get_object())

    @extend_schema(request=ReleaseItemAddSerializer, responses={201: ReleaseItemSerializer})
    @items.mapping.post
    def item_add(self, request, pk=None):
        """Add an item (publish its latest revision, or the one named; or unpublish it);
        an item already in the release is updated."""
        release = self.get_object()
        data = ReleaseItemAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        model = entry_type(values["type"]).model
        entry = model.objects.filter(pk=values["id"]).first()
        if entry is None:
            raise NotFound(f"No {values['type']} with id {values['id']}.")
        number = values.get("revision")
        revision = None
        if number:
            revision = revision_list(entry=entry).filter(number=number).first()
            if revision is None:
                raise ValidationError({"revision": [f"Revision {number} does not exist."]})
        item = releases.release_item_add(
            actor=request.user,
            release=release,
            entry=entry,
            action=values["action"],
            revision=revision,
        )
        return Response(ReleaseItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"items/(?P<item_id>\d+)")
    def item_remove(self, request, pk=None, item_id=None):
        """Take an item out of the release."""
        release = self.get_object()
        item = release.items.filter(pk=item_id).first()
        if item is None:
            raise NotFound("No such item in this release.")
        releases.release_item_remove(actor=request.user, release=release, item=item)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=ReleaseValidationSerializer)
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        """Check every item as publishing the release now would (rolled back): `ready`, and
        each item's blockers (also stored on the item)."""
        release = self.get_object()
        blockers = releases.release_validate(release=release, actor=request.user)
        items = list(release.items.select_related("content_type", "revision"))
        context = {"entries": releases.entries_of(items)}
        return Response(
            {
                "ready": not blockers,
                "items": ReleaseItemSerializer(items, many=True, context=context).data,
            }
        )

    @extend_schema(request=ReleasePublishSerializer, responses=ReleaseSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish every item now, all or nothing; with `publish_at`, schedule that instead.
        A refusal answers 400 with each refused item and its reasons in `details.items`."""
        data = ReleasePublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        release = self.get_object()
        publish_at = data.validated_data.get("publish_at")
        if publish_at is None:
            release = publishing.release_publish(release=release, actor=request.user)
        else:
            release = publishing.release_schedule(
                release=release, actor=request.user, publish_at=publish_at
            )
        return self._respond(release)

    @extend_schema(request=None, responses=ReleaseSerializer)
    @action(detail=True, methods=["post"])
    def unschedule(self, request, pk=None):
        """Clear the release's publish time; it goes back to draft."""
        release = publishing.release_schedule(
            release=self.get_object(), actor=request.user, publish_at=None
        )
        return self._respond(release)

    @extend_schema(request=ReleaseRevertSerializer, responses=ReleaseSerializer)
    @action(detail=True, methods=["post"])
    def revert(self, request, pk=None):
        """Restore each item's live revision from before the release, all or nothing. Items
        changed since the release refuse it (400, listed in `details.items`) unless
        `overwrite_later` is true."""
        data = ReleaseRevertSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        release = publishing.release_revert(
            release=self.get_object(),
            actor=request.user,
            overwrite_later=data.validated_data["overwrite_later"],
        )
        return self._respond(release)

    @extend_schema(request=None, responses=ReleasePreviewTokenSerializer)
    @action(detail=True, methods=["post"], url_path="preview-token")
    def preview_token(self, request, pk=None):
        """A signed token (valid RELEASE_PREVIEW_SECONDS) that makes every delivery endpoint
        answer as if the release were published now, as you would publish it; while the
        release is open. Audited."""
        token = release_preview_token_create(release=self.get_object(), actor=request.user)
        return Response(ReleasePreviewTokenSerializer(token).data)
