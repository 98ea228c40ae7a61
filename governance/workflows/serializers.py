"""Shapes for workflows, the review queue, comments and review links (rules live in services)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from rest_framework import serializers

from content.models import Category, Locale, Page
from content.selectors import entry_api_names
from content.serializers.types import EntryTypeField
from core.serializers import StrictSerializer
from governance.models import Comment, ReviewLink, Submission, Workflow, WorkflowStep


class WorkflowStepSerializer(serializers.ModelSerializer):
    # Null for a step that names a role instead of a group (the schema must say so).
    group = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)
    role = serializers.CharField(read_only=True)

    class Meta:
        model = WorkflowStep
        fields = ["id", "order", "name", "role", "group", "approvals_required"]


class WorkflowSerializer(serializers.ModelSerializer):
    # The scope under the names this API has always used (content.scope holds the rules).
    content_types = serializers.ListField(
        source="scope_types", child=serializers.CharField(), read_only=True
    )
    page = serializers.PrimaryKeyRelatedField(source="scope_page", read_only=True, allow_null=True)
    category = serializers.PrimaryKeyRelatedField(
        source="scope_category", read_only=True, allow_null=True
    )
    locale = serializers.PrimaryKeyRelatedField(
        source="scope_locale", read_only=True, allow_null=True
    )
    steps = WorkflowStepSerializer(many=True, read_only=True)

    class Meta:
        model = Workflow
        fields = [
            "id",
            "name",
            "is_active",
            "content_types",
            "page",
            "category",
            "locale",
            "steps",
            "created_at",
            "updated_at",
        ]


class WorkflowStepWriteSerializer(StrictSerializer):
    order = serializers.IntegerField(min_value=1, required=False)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    # A plain string (checked by the service): a second role enum would clash in the schema.
    role = serializers.CharField(max_length=30, required=False, allow_blank=True)
    group = serializers.SlugRelatedField(
        slug_field="name", queryset=Group.objects.all(), required=False, allow_null=True
    )
    approvals_required = serializers.IntegerField(min_value=1, max_value=50, required=False)


class WorkflowWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)
    is_active = serializers.BooleanField(required=False)
    content_types = serializers.ListField(child=EntryTypeField(), required=False)
    page = serializers.PrimaryKeyRelatedField(
        queryset=Page.objects.all(), required=False, allow_null=True
    )
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    locale = serializers.PrimaryKeyRelatedField(
        queryset=Locale.objects.all(), required=False, allow_null=True
    )
    steps = WorkflowStepWriteSerializer(many=True, required=False)


class EntryTypeNames:
    """`type_name(obj, submission)`: the API name of the item a submission is about. Types
    defined as data share one content type, so their names come from the items, read
    once for the whole page a list serializes (content.selectors.entry_api_names)."""

    def type_name(self, obj, submission: Submission) -> str:
        names = self.context.setdefault("_entry_type_names", {})
        key = (submission.content_type_id, submission.object_id)
        if key not in names:
            parent = self.parent if isinstance(self.parent, serializers.ListSerializer) else None
            page = list(parent.instance) if parent is not None and parent.instance else []
            subs = [submission, *(self._submission_of(item) for item in page)]
            names.update(entry_api_names((s.content_type_id, s.object_id) for s in subs))
        return names[key]

    def _submission_of(self, obj) -> Submission:
        return obj


class SubmissionSerializer(EntryTypeNames, serializers.ModelSerializer):
    """One open review in the queue, with the item and the step it waits on."""

    entry = serializers.SerializerMethodField()
    revision = serializers.IntegerField(source="revision.number")
    workflow = serializers.CharField(source="workflow.name")
    step = serializers.SerializerMethodField()
    submitted_by = serializers.StringRelatedField()
    # Plain strings: a second "status"/"role" enum would collide in the OpenAPI schema.
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Submission
        fields = [
            "id",
            "entry",
            "revision",
            "workflow",
            "step",
            "status",
            "submitted_by",
            "created_at",
            "finished_at",
        ]

    def get_entry(self, obj) -> dict:
        return {
            "type": self.type_name(obj, obj),
            "id": obj.object_id,
            "title": obj.revision.snapshot.get("title", ""),
        }

    def get_step(self, obj) -> dict | None:
        step = obj.current_step
        if step is None:
            return None
        approvals = sum(
            1 for t in obj.tasks.all() if t.step_id == step.pk and t.decision == "approve"
        )
        return {
            "order": step.order,
            "name": step.name,
            "role": step.group_name,
            "approvals": approvals,
            "approvals_required": step.approvals_required,
        }


class DecisionSerializer(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class EntryRefSerializer(StrictSerializer):
    type = EntryTypeField()
    id = serializers.IntegerField(min_value=1)


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author_name")
    revision = serializers.IntegerField(source="revision.number", allow_null=True)

    class Meta:
        model = Comment
        fields = ["id", "parent", "author", "body", "revision", "created_at"]


class CommentWriteSerializer(StrictSerializer):
    type = EntryTypeField()
    id = serializers.IntegerField(min_value=1)
    body = serializers.CharField(max_length=10000)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Comment.objects.all(), required=False, allow_null=True
    )


class ReviewLinkSerializer(EntryTypeNames, serializers.ModelSerializer):
    submission = serializers.IntegerField(source="submission_id")
    entry = serializers.SerializerMethodField()
    created_by = serializers.StringRelatedField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = ReviewLink
        fields = [
            "id",
            "submission",
            "entry",
            "reviewer_email",
            "note",
            "created_by",
            "created_at",
            "expires_at",
            "revoked_at",
            "used_at",
            "last_viewed_at",
            "state",
        ]

    def get_entry(self, obj) -> dict:
        submission = obj.submission
        return {"type": self.type_name(obj, submission), "id": submission.object_id}

    def _submission_of(self, obj) -> Submission:
        return obj.submission

    def get_state(self, obj) -> str:
        from governance.workflows.review_links import review_link_state

        return review_link_state(obj)


class ReviewLinkCreatedSerializer(ReviewLinkSerializer):
    """Returned once, at creation: the only time the URL (and its token) is shown."""

    url = serializers.CharField()

    class Meta(ReviewLinkSerializer.Meta):
        fields = [*ReviewLinkSerializer.Meta.fields, "url"]


class ReviewLinkWriteSerializer(StrictSerializer):
    type = EntryTypeField()
    id = serializers.IntegerField(min_value=1)
    expires_at = serializers.DateTimeField(required=False)
    reviewer_email = serializers.EmailField(required=False, allow_blank=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
