"""Workflow API: my review queue, workflow configuration, comments and review links."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from accounts.permissions import HasModelPermission, RejectApiKeys
from content.selectors import entry_refs_visible_q
from content.serializers.types import ApiNames
from content.types import entry_type
from governance.models import Comment, ReviewLink, ReviewTask, Workflow, WorkflowStep
from governance.workflows import configuration as workflow_config
from governance.workflows import review_links
from governance.workflows import services as workflows
from governance.workflows.routing import REVIEW_PERM
from governance.workflows.selectors import review_queue_for
from governance.workflows.serializers import (
    CommentSerializer,
    CommentWriteSerializer,
    DecisionSerializer,
    EntryRefSerializer,
    ReviewLinkCreatedSerializer,
    ReviewLinkSerializer,
    ReviewLinkWriteSerializer,
    SubmissionSerializer,
    WorkflowSerializer,
    WorkflowWriteSerializer,
)


def entry_get(kind: str, pk: int, actor):
    """The item of the registered type called `kind` (validated by EntryTypeField); 403
    when `actor` may not view it (outside a section-limited role's sections), as content's
    own routes answer for an item."""
    registered = entry_type(kind)
    entry = get_object_or_404(registered.model, pk=pk)
    if not actor.has_perm(registered.perm("view"), entry):
        raise PermissionDenied
    return entry


class CanReview(permissions.BasePermission):
    """The review queue is for holders of governance.review_content."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(REVIEW_PERM))


@extend_schema(tags=["governance"])
class ReviewQueueViewSet(viewsets.ReadOnlyModelViewSet):
    """My review queue: open submissions whose current step I may decide (not my own)."""

    permission_classes = [CanReview, RejectApiKeys]
    serializer_class = SubmissionSerializer

    def get_queryset(self):
        tasks = Prefetch("tasks", queryset=ReviewTask.objects.only("step_id", "decision"))
        return review_queue_for(self.request.user).prefetch_related(tasks)

    def _decide(self, request, decision: str) -> Response:
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission = workflows.review_decide(
            submission=self.get_object(),
            actor=request.user,
            decision=decision,
            comment=data.get("comment", ""),
        )
        submission.refresh_from_db()
        return Response(SubmissionSerializer(submission).data)

    @extend_schema(request=DecisionSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the current step of this submission."""
        return self._decide(request, "approve")

    @extend_schema(request=DecisionSerializer, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject this submission (a comment is required); the item goes back to draft."""
        return self._decide(request, "reject")


@extend_schema(tags=["governance"])
class WorkflowViewSet(viewsets.ModelViewSet):
    """Review workflows: read per the matrix, configured by Administrators."""

    permission_classes = [HasModelPermission, RejectApiKeys]
    permission_model = "governance.workflow"
    serializer_class = WorkflowSerializer

    def get_queryset(self):
        steps = Prefetch("steps", queryset=WorkflowStep.objects.select_related("group"))
        return Workflow.objects.prefetch_related(steps)

    def _data(self, request, *, partial: bool = False) -> dict:
        serializer = WorkflowWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _respond(self, workflow, code=status.HTTP_200_OK) -> Response:
        return Response(WorkflowSerializer(self.get_queryset().get(pk=workflow.pk)).data, code)

    @extend_schema(request=WorkflowWriteSerializer)
    def create(self, request, *args, **kwargs):
        workflow = workflow_config.workflow_create(actor=request.user, data=self._data(request))
        return self._respond(workflow, status.HTTP_201_CREATED)

    @extend_schema(request=WorkflowWriteSerializer)
    def update(self, request, *args, **kwargs):
        data = self._data(request, partial=kwargs.get("partial", False))
        workflow = workflow_config.workflow_update(
            workflow=self.get_object(), actor=request.user, data=data
        )
        return self._respond(workflow)

    def destroy(self, request, *args, **kwargs):
        workflow_config.workflow_delete(workflow=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["governance"])
class CommentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Threaded comments on one item: `?type=article&id=N`; reply with `parent`."""

    permission_classes = [HasModelPermission]
    permission_model = "governance.comment"
    serializer_class = CommentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Comment.objects.none()
        ref = EntryRefSerializer(data=self.request.query_params.dict())
        ref.is_valid(raise_exception=True)
        entry = entry_get(ref.validated_data["type"], ref.validated_data["id"], self.request.user)
        return Comment.objects.filter(
            content_type=ContentType.objects.get_for_model(entry), object_id=entry.pk
        ).select_related("author", "revision")

    @extend_schema(
        parameters=[
            OpenApiParameter("type", str, enum=ApiNames(), required=True),
            OpenApiParameter("id", int, required=True),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CommentWriteSerializer)
    def create(self, request, *args, **kwargs):
        serializer = CommentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment = workflow_config.comment_create(
            entry=entry_get(data["type"], data["id"], request.user),
            actor=request.user,
            body=data["body"],
            parent=data.get("parent"),
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["governance"])
class ReviewLinkViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Review links for outside reviewers: the URL is returned once, at creation."""

    permission_classes = [HasModelPermission, RejectApiKeys]
    permission_model = "governance.reviewlink"
    action_permissions = {"revoke": "change"}
    serializer_class = ReviewLinkSerializer

    def get_queryset(self):
        links = ReviewLink.objects.select_related(
            "submission__content_type", "submission", "created_by"
        )
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return links.none()
        # A section-limited role lists only the links of its sections' items.
        visible = entry_refs_visible_q(self.request.user, prefix="submission__")
        return links if visible is None else links.filter(visible)

    @extend_schema(request=ReviewLinkWriteSerializer, responses=ReviewLinkCreatedSerializer)
    def create(self, request, *args, **kwargs):
        serializer = ReviewLinkWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        link, token = review_links.review_link_create(
            entry=entry_get(data["type"], data["id"], request.user),
            actor=request.user,
            expires_at=data.get("expires_at"),
            reviewer_email=data.get("reviewer_email", ""),
            note=data.get("note", ""),
        )
        link.url = request.build_absolute_uri(review_links.review_link_url(token))
        return Response(ReviewLinkCreatedSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ReviewLinkSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke the link; it can no longer be opened."""
        link = get_object_or_404(self.get_queryset(), pk=pk)
        link = review_links.review_link_revoke(link=link, actor=request.user)
        return Response(ReviewLinkSerializer(link).data)
