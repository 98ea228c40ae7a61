"""Releases in the management API: the release, its items (with what blocks each), and the
inputs of its actions."""

from __future__ import annotations

from rest_framework import serializers

from content.models import Release, ReleaseAction, ReleaseItem
from content.types import api_name_of, entry_type_choices
from core.serializers import StrictSerializer


class ReleaseItemSerializer(serializers.ModelSerializer):
    type = serializers.SerializerMethodField()
    id = serializers.IntegerField(source="object_id", read_only=True)
    item = serializers.IntegerField(source="pk", read_only=True)
    title = serializers.SerializerMethodField()
    revision = serializers.IntegerField(source="revision.number", allow_null=True, default=None)
    previous_revision = serializers.IntegerField(
        source="previous_revision.number", allow_null=True, default=None
    )
    blockers = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ReleaseItem
        fields = [
            "item",
            "type",
            "id",
            "title",
            "action",
            "revision",
            "follow_latest",
            "previous_revision",
            "blockers",
            "added_at",
        ]
        read_only_fields = fields

    def get_type(self, obj: ReleaseItem) -> str:
        return api_name_of(obj.content_type)

    def get_title(self, obj: ReleaseItem) -> str | None:
        entry = self.context.get("entries", {}).get(obj.pk, obj.entry)
        return str(entry) if entry is not None else None


class ReleaseSerializer(serializers.ModelSerializer):
    item_count = serializers.IntegerField(read_only=True)
    blocked = serializers.SerializerMethodField(
        help_text="Items whose last validation, publish or revert was refused."
    )

    class Meta:
        model = Release
        fields = [
            "id",
            "name",
            "description",
            "status",
            "publish_at",
            "item_count",
            "blocked",
            "failure",
            "created_by",
            "created_at",
            "updated_at",
            "published_at",
            "published_by",
            "reverted_at",
        ]
        read_only_fields = fields

    def get_blocked(self, obj: Release) -> int:
        return getattr(obj, "blocked_count", 0)


class ReleaseWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ReleaseUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class ReleaseItemAddSerializer(StrictSerializer):
    """One item to add (or, already in the release, to update)."""

    type = serializers.ChoiceField(choices=[])
    id = serializers.IntegerField(min_value=1)
    action = serializers.ChoiceField(choices=ReleaseAction.choices, default=ReleaseAction.PUBLISH)
    revision = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text="The revision number to publish (pinned); by default the item's latest"
        " revision when the release goes out (`follow_latest`).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = entry_type_choices()


class ReleasePublishSerializer(StrictSerializer):
    publish_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Publish at this time (exactly once) instead of now; it must be in the future.",
    )


class ReleaseRevertSerializer(StrictSerializer):
    overwrite_later = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Revert items changed since the release went out too, undoing those changes.",
    )


class ReleaseValidationSerializer(serializers.Serializer):
    ready = serializers.BooleanField()
    items = ReleaseItemSerializer(many=True)


class ReleasePreviewTokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send it to delivery as the X-Folio-Release-Preview header, or as the "
        "`release_preview` query parameter: the answer is as if the release were published now."
    )
    release = serializers.IntegerField()
    expires_at = serializers.DateTimeField()
    frontend_url = serializers.CharField(
        allow_null=True,
        help_text="Where the preview starts on your site (FRONTEND_RELEASE_PREVIEW_URL); null "
        "when it is not set.",
    )
