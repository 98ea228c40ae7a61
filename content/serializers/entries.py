"""Publishable items' shapes: the bases every type shares (content.serializers.types builds
the generic ones on them), Article's and Page's own output and create / update shapes,
and the actions' input shapes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from content.models import Article, Category, Locale, MediaAsset, Page, Revision, Status, Tag
from content.services.rules import lock_state
from core.serializers import StrictSerializer


class LocaleCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)


CORE_OUT = [
    "id",
    "title",
    "slug",
    "locale",
    "translation_key",
    "status",
    "version",
    "body",
    "owner",
    "has_unpublished_changes",
    "live_revision",
    "latest_revision",
    "trashed_live_revision",
    "first_published_at",
    "last_published_at",
    "publish_at",
    "expire_at",
    "deleted_at",
    "next_review_at",
    "seo_title",
    "meta_description",
    "og_image",
    "created_at",
    "updated_at",
    "lock",
]


class EditLockSerializer(serializers.Serializer):
    """An edit lock in force: until it expires, only its holder changes the item."""

    locked_by = serializers.IntegerField(allow_null=True, help_text="The holder's user id.")
    locked_by_name = serializers.CharField()
    locked_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class EntrySerializer(serializers.ModelSerializer):
    locale = LocaleCodeField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    body = serializers.ListField(child=serializers.DictField(), read_only=True)
    live_revision = serializers.IntegerField(
        source="live_revision_number", read_only=True, allow_null=True, default=None
    )
    latest_revision = serializers.IntegerField(
        source="latest_revision_number", read_only=True, allow_null=True, default=None
    )
    trashed_live_revision = serializers.IntegerField(
        source="trashed_live_revision_number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="In the trash: the revision that was live when trashed (restore can republish).",
    )

    lock = serializers.SerializerMethodField(
        help_text="The edit lock in force (`lock/`, `unlock/`), or null: while it holds, "
        "another user's save or transition is refused with 423."
    )

    @extend_schema_field(EditLockSerializer(allow_null=True))
    def get_lock(self, obj) -> dict | None:
        held = lock_state(obj)
        return held.as_details() if held is not None else None

    def to_representation(self, instance):
        # Objects fresh from a service lack the selector's annotations; read the numbers.
        for name in ("live_revision", "latest_revision", "trashed_live_revision"):
            if not hasattr(instance, f"{name}_number"):
                revision = getattr(instance, name)
                setattr(instance, f"{name}_number", revision.number if revision else None)
        return super().to_representation(instance)


class ArticleSerializer(EntrySerializer):
    class Meta:
        model = Article
        fields = [
            *CORE_OUT,
            "summary",
            "category",
            "tags",
            "authors",
            "cover_image",
            "published_date",
            "url_path",
        ]
        read_only_fields = fields


class PageSerializer(EntrySerializer):
    class Meta:
        model = Page
        fields = [*CORE_OUT, "parent", "url_path", "depth", "sort_order"]
        read_only_fields = fields


def _pk(model, **kwargs):
    return serializers.PrimaryKeyRelatedField(queryset=model.objects.all(), **kwargs)


class EntryWriteSerializer(StrictSerializer):
    """Shape only; the service validates the body, slugs and permissions."""

    title = serializers.CharField(max_length=255)
    slug = serializers.CharField(max_length=255, required=False, allow_blank=True)
    body = serializers.ListField(child=serializers.DictField(), required=False, max_length=500)
    seo_title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    meta_description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    og_image = _pk(MediaAsset, required=False, allow_null=True)
    next_review_at = serializers.DateTimeField(required=False, allow_null=True)
    owner = _pk(User, required=False)


class ArticleWriteFields(serializers.Serializer):
    summary = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    cover_image = _pk(MediaAsset, required=False, allow_null=True)
    category = _pk(Category, required=False, allow_null=True)
    tags = _pk(Tag, many=True, required=False)
    authors = _pk(User, many=True, required=False)
    published_date = serializers.DateField(required=False, allow_null=True)


class CreateFields(serializers.Serializer):
    locale = LocaleCodeField(queryset=Locale.objects.all(), required=False)
    translation_key = serializers.UUIDField(required=False)


class UpdateFields(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1)


class ArticleCreateSerializer(CreateFields, ArticleWriteFields, EntryWriteSerializer):
    pass


class ArticleUpdateSerializer(UpdateFields, ArticleWriteFields, EntryWriteSerializer):
    pass


class PageCreateSerializer(CreateFields, EntryWriteSerializer):
    parent = _pk(Page, required=False, allow_null=True)


class PageUpdateSerializer(UpdateFields, EntryWriteSerializer):
    pass


class PageMoveSerializer(StrictSerializer):
    parent = _pk(Page, allow_null=True)
    sort_order = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


class MessageSerializer(StrictSerializer):
    message = serializers.CharField(max_length=500, required=False, allow_blank=True)


class OwnerSerializer(StrictSerializer):
    owner = serializers.IntegerField(min_value=1, help_text="The new owner's user id.")


class ScheduleSerializer(StrictSerializer):
    publish_at = serializers.DateTimeField(required=False, allow_null=True)
    expire_at = serializers.DateTimeField(required=False, allow_null=True)


class RestoreSerializer(StrictSerializer):
    republish = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "Also put back live the revision that was live when the item was trashed (pages: "
            "and of the subpages trashed with it). Needs the publish permission (else 403), "
            "and is checked as a publish: workflow approval, blocking policies (400)."
        ),
    )


class RevertSerializer(StrictSerializer):
    version = serializers.IntegerField(required=False, min_value=1)


class PreviewLinkSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField()
    expires_at = serializers.DateTimeField()
    revision = serializers.IntegerField()


class RevisionSerializer(serializers.ModelSerializer):
    author = serializers.PrimaryKeyRelatedField(read_only=True)
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Revision
        fields = ["number", "author", "author_name", "message", "created_at"]
        read_only_fields = fields

    def get_author_name(self, obj: Revision) -> str | None:
        return obj.author.get_full_name() if obj.author else None


class RevisionDetailSerializer(RevisionSerializer):
    class Meta(RevisionSerializer.Meta):
        fields = [*RevisionSerializer.Meta.fields, "snapshot"]
        read_only_fields = fields


class RevisionDiffSerializer(serializers.Serializer):
    old = serializers.IntegerField()
    new = serializers.IntegerField()
    changes = serializers.DictField(child=serializers.DictField())
