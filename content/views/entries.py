"""Every registered type's management API: CRUD on drafts, transitions, revisions and
preview links, one route set per type (content.urls), built from its registration."""

from __future__ import annotations

from django.utils.module_loading import import_string
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.permissions import HasObjectPermission
from content import selectors, services
from content.filters import entry_filterset
from content.models import Revision
from content.serializers.entries import (
    MessageSerializer,
    OwnerSerializer,
    PreviewLinkSerializer,
    RestoreSerializer,
    RevertSerializer,
    RevisionDetailSerializer,
    RevisionDiffSerializer,
    RevisionSerializer,
    ScheduleSerializer,
)
from content.serializers.types import entry_serializers
from content.services.revisions import revision_diff, revision_list
from content.types import EntryType
from content.views.versioning import etag, expected_version

ACTION_PERMISSIONS = {
    "submit": "change",
    "approve": "view",  # the service asks for review or publish rights
    "reject": "view",
    "publish": "publish",
    "unpublish": "publish",
    "schedule": "publish",
    "archive": "publish",
    "trash": "delete",
    "restore": "delete",
    "preview_link": "view",
    "revisions": "view",
    "revision_detail": "view",
    "revision_revert": "change",
    "revision_diff": "view",
    "move": "change",
    "mark_reviewed": "view",  # the service lets owners and mark_reviewed holders through
    "set_owner": "change",
    "lock": "lock",
    "unlock": "view",  # the service lets the holder and `lock` holders through
}


class EntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Shared by every type (entry_viewset builds one per type): every write calls a
    content service."""

    permission_classes = [HasObjectPermission]
    action_permissions = ACTION_PERMISSIONS
    versioned = True  # PUT/PATCH document 412/428 in the schema
    extra_error_statuses = {
        "409": "Conflicts with the current state.",
        "423": "Locked by another user; details name the holder and the expiry.",
    }
    model: type
    create_serializer_class: type
    update_serializer_class: type

    def get_queryset(self):
        # A list shows what the caller may view; a detail route finds any item, and the
        # object permission answers 403 outside a section-limited role's sections.
        actor = self.request.user if self.action == "list" else None
        return selectors.entry_list(model=self.model, actor=actor)

    def filter_queryset(self, queryset):
        # Filters (and the trash rule) shape lists; detail routes reach trashed items too.
        if self.action == "list":
            return super().filter_queryset(queryset)
        return queryset

    def _respond(self, entry, status_code=status.HTTP_200_OK) -> Response:
        response = Response(self.get_serializer(entry).data, status=status_code)
        response["ETag"] = etag(entry.version)
        return response

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = self.create_serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.entry_create(
            model=self.model, actor=request.user, data=dict(serializer.validated_data)
        )
        return self._respond(entry, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        entry = self.get_object()
        serializer = self.update_serializer_class(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = expected_version(request, body_version=data.pop("version", None))
        entry = services.entry_update(
            entry=entry, actor=request.user, data=data, expected_version=version
        )
        return self._respond(entry)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        """Move the item to the trash (restore with `restore/`)."""
        services.entry_trash(entry=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _message(self, request) -> str:
        serializer = MessageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data.get("message", "")

    @extend_schema(request=MessageSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a draft for review."""
        entry = services.entry_submit(
            entry=self.get_object(), actor=request.user, message=self._message(request)
        )
        return self._respond(entry)

    @extend_schema(request=MessageSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve an item in review."""
        entry = services.entry_approve(
            entry=self.get_object(), actor=request.user, message=self._message(request)
        )
        return self._respond(entry)

    @extend_schema(request=MessageSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Send an item in review back to draft."""
        entry = services.entry_reject(
            entry=self.get_object(), actor=request.user, message=self._message(request)
        )
        return self._respond(entry)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Make the latest revision live."""
        return self._respond(services.entry_publish(entry=self.get_object(), actor=request.user))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        """Take the item offline (or cancel its schedule)."""
        return self._respond(services.entry_unpublish(entry=self.get_object(), actor=request.user))

    @extend_schema(request=ScheduleSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        """Publish at `publish_at` and/or unpublish at `expire_at`; both null clears."""
        serializer = ScheduleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = services.entry_schedule(
            entry=self.get_object(),
            actor=request.user,
            publish_at=data.get("publish_at"),
            expire_at=data.get("expire_at"),
        )
        return self._respond(entry)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """Retire the item: offline, out of every schedule."""
        return self._respond(services.entry_archive(entry=self.get_object(), actor=request.user))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def trash(self, request, pk=None):
        """Move the item to the trash."""
        return self._respond(services.entry_trash(entry=self.get_object(), actor=request.user))

    @extend_schema(request=RestoreSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Bring the item back from the trash: as a draft, offline; with `republish`, with the
        revision that was live when it was trashed live again (checked as a publish)."""
        serializer = RestoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.entry_restore(
            entry=self.get_object(),
            actor=request.user,
            republish=serializer.validated_data["republish"],
        )
        return self._respond(entry)

    @extend_schema(request=None, responses={200: PreviewLinkSerializer})
    @action(detail=True, methods=["post"], url_path="preview-link")
    def preview_link(self, request, pk=None):
        """A signed link to preview the latest revision; it expires."""
        link = services.preview_link_create(entry=self.get_object(), actor=request.user)
        return Response(PreviewLinkSerializer(link).data)

    @extend_schema(request=MessageSerializer)
    @action(detail=True, methods=["post"], url_path="mark-reviewed")
    def mark_reviewed(self, request, pk=None):
        """Confirm the item is still right; its next review date moves one interval on."""
        entry = services.entry_mark_reviewed(
            entry=self.get_object(), actor=request.user, note=self._message(request)
        )
        return self._respond(entry)

    @extend_schema(request=OwnerSerializer)
    @action(detail=True, methods=["post"], url_path="owner")
    def set_owner(self, request, pk=None):
        """Hand the item to another user (Editors and Administrators)."""
        serializer = OwnerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.entry_set_owner(
            entry=self.get_object(), actor=request.user, owner_id=serializer.validated_data["owner"]
        )
        return self._respond(entry)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        """Lock the item for your editing (CONTENT_LOCK_SECONDS; again to renew): until you
        unlock it or it expires, other users' saves and transitions get 423."""
        return self._respond(services.entry_lock(entry=self.get_object(), actor=request.user))

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        """Release the item's lock: yours, or anyone's with the lock permission (audited as
        a forced unlock)."""
        return self._respond(services.entry_unlock(entry=self.get_object(), actor=request.user))

    # --- Revisions ------------------------------------------------------------------

    @extend_schema(responses={200: RevisionSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        """The item's revisions, newest first."""
        page = self.paginate_queryset(revision_list(entry=self.get_object()))
        return self.get_paginated_response(RevisionSerializer(page, many=True).data)

    def _revision(self, entry, number: str) -> Revision:
        revision = revision_list(entry=entry).filter(number=int(number)).first()
        if revision is None:
            raise NotFound(f"Revision {number} does not exist.")
        return revision

    @extend_schema(responses={200: RevisionDetailSerializer})
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>\d{1,9})")
    def revision_detail(self, request, pk=None, number=None):
        """One revision with its full snapshot."""
        revision = self._revision(self.get_object(), number)
        return Response(RevisionDetailSerializer(revision).data)

    @extend_schema(request=RevertSerializer)
    @action(detail=True, methods=["post"], url_path=r"revisions/(?P<number>\d{1,9})/revert")
    def revision_revert(self, request, pk=None, number=None):
        """Write a new revision with the content of revision `number`."""
        entry = self.get_object()
        revision = self._revision(entry, number)
        serializer = RevertSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = serializer.validated_data.get("version")
        if request.headers.get("If-Match") is not None or version is not None:
            version = expected_version(request, body_version=version)
        entry = services.revision_revert(
            entry=entry, actor=request.user, number=revision.number, expected_version=version
        )
        return self._respond(entry)

    @extend_schema(responses={200: RevisionDiffSerializer})
    @action(
        detail=True,
        methods=["get"],
        url_path=r"revisions/(?P<number>\d{1,9})/diff/(?P<other>\d{1,9})",
    )
    def revision_diff(self, request, pk=None, number=None, other=None):
        """Field-by-field changes from revision `number` to revision `other`."""
        entry = self.get_object()
        old, new = self._revision(entry, number), self._revision(entry, other)
        return Response({"old": old.number, "new": new.number, "changes": self.diff(old, new)})

    def diff(self, old: Revision, new: Revision) -> dict:
        """The changes between two revisions, as the response names them."""
        return revision_diff(old=old, new=new)


_viewsets: dict[type, type[EntryViewSet]] = {}


def entry_viewset(entry_type: EntryType) -> type[EntryViewSet]:
    """The type's management viewset, built once from its registration: its model,
    permissions, serializers and filters on EntryViewSet (or the viewset it names), with
    its own tag and request/response components in the schema."""
    if entry_type.model in _viewsets:
        return _viewsets[entry_type.model]
    base = import_string(entry_type.viewset) if entry_type.viewset else EntryViewSet
    output, create, update = entry_serializers(entry_type)
    opts, name = entry_type.model._meta, f"{entry_type.model.__name__}ViewSet"
    # The schema describes the list and detail operations with the docstring.
    doc = (
        base.__doc__ if entry_type.viewset else f"{entry_type.display_label} in the management API."
    )
    viewset = type(
        name,
        (base,),
        {
            "__module__": __name__,
            "__qualname__": name,
            "__doc__": doc,
            "model": entry_type.model,
            "permission_model": f"{opts.app_label}.{opts.model_name}",
            "serializer_class": output,
            "create_serializer_class": create,
            "update_serializer_class": update,
            "filterset_class": entry_filterset(entry_type),
        },
    )
    viewset = extend_schema_view(
        create=extend_schema(request=create, responses={201: output}),
        update=extend_schema(request=update),
        partial_update=extend_schema(request=update),
    )(viewset)
    _viewsets[entry_type.model] = extend_schema(tags=[entry_type.plural])(viewset)
    return _viewsets[entry_type.model]
