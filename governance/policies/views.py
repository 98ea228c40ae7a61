"""Content policies in the API: `governance/policies/` CRUD, and `{id}/checks/` on every
registered type.

The checks routes live here, mounted by governance.urls at `<plural>/<id>/checks/` of each
code-defined type (`articles/<id>/checks/`, ...) and at `entries/<api_id>/<id>/checks/`
for the types defined as data, because content must not import governance
(dependencies point governance → content); the URL space is shared, so clients see one
resource.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from accounts.permissions import HasModelPermission, RejectApiKeys
from content import selectors as content_selectors
from content.models import Entry
from content.serializers.scope import ScopeSerializer, ScopeWriteSerializer
from content.types import EntryType
from content.views.runtime_entries import runtime_type
from core.serializers import StrictSerializer
from governance.models import ContentPolicy, PolicyKind, PolicySeverity
from governance.policies import configuration, services

# --- Serializers ------------------------------------------------------------------------


class ContentPolicySerializer(ScopeSerializer, serializers.ModelSerializer):
    class Meta:
        model = ContentPolicy
        fields = [
            "id",
            "name",
            "kind",
            "params",
            "severity",
            "content_types",
            "category",
            "page_subtree",
            "locale",
            "is_active",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ContentPolicyWriteSerializer(ScopeWriteSerializer):
    """Shape only; the service validates `params` for the kind (400 with the reason)."""

    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=PolicyKind.choices)
    params = serializers.JSONField(required=False)
    severity = serializers.ChoiceField(choices=PolicySeverity.choices, required=False)
    is_active = serializers.BooleanField(required=False)


class ViolationSerializer(serializers.Serializer):
    field = serializers.CharField()
    rule = serializers.CharField()
    message = serializers.CharField()


class CheckPolicySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    severity = serializers.CharField()


class CheckResultSerializer(serializers.Serializer):
    policy = CheckPolicySerializer()
    status = serializers.CharField(help_text="pass, warn or block.")
    violations = ViolationSerializer(many=True)
    checked_at = serializers.DateTimeField()


class CheckOverrideSerializer(serializers.Serializer):
    actor = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class ChecksSerializer(serializers.Serializer):
    revision = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(help_text="pass, warn, block or overridden.")
    override = CheckOverrideSerializer(allow_null=True)
    results = CheckResultSerializer(many=True)


class OverrideRequestSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


# --- Views ------------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=ContentPolicyWriteSerializer, responses={201: ContentPolicySerializer}
    ),
    update=extend_schema(request=ContentPolicyWriteSerializer),
    partial_update=extend_schema(request=ContentPolicyWriteSerializer),
)
@extend_schema(tags=["governance"])
class ContentPolicyViewSet(viewsets.ModelViewSet):
    """Content policies: every role reads them; Administrators add, change and remove."""

    permission_classes = [HasModelPermission, RejectApiKeys]
    permission_model = "governance.contentpolicy"
    serializer_class = ContentPolicySerializer

    def get_queryset(self):
        return ContentPolicy.objects.order_by("name", "id")

    def create(self, request, *args, **kwargs):
        serializer = ContentPolicyWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        policy = configuration.policy_create(
            actor=request.user, data=dict(serializer.validated_data)
        )
        return Response(ContentPolicySerializer(policy).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = ContentPolicyWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        policy = configuration.policy_update(
            actor=request.user, policy=self.get_object(), data=dict(serializer.validated_data)
        )
        return Response(ContentPolicySerializer(policy).data)

    def perform_destroy(self, instance):
        configuration.policy_delete(actor=self.request.user, policy=instance)


class EntryChecksViewSet(viewsets.GenericViewSet):
    """`{id}/checks/` of an item: policy results of its latest revision (one subclass per
    type, entry_checks_viewset)."""

    permission_classes = [HasModelPermission]
    # The override itself needs governance.override_policy; the service checks it (403).
    action_permissions = {"retrieve": "view", "override": "view"}
    model: type
    permission_model: str
    serializer_class = ChecksSerializer

    def _entry(self, pk):
        # Outside the caller's sections (a section-limited role), the item is not found.
        queryset = content_selectors.entry_list(model=self.model, actor=self.request.user)
        return get_object_or_404(queryset, pk=pk)

    @extend_schema(responses={200: ChecksSerializer})
    def retrieve(self, request, pk=None):
        """Evaluate the latest revision now and return each applicable policy's outcome."""
        return Response(ChecksSerializer(services.policy_checks(entry=self._entry(pk))).data)

    @extend_schema(request=OverrideRequestSerializer, responses={201: ChecksSerializer})
    def override(self, request, pk=None):
        """Let the latest revision pass its blocking policies (override_policy + a reason)."""
        serializer = OverrideRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = self._entry(pk)
        services.policy_override_create(
            entry=entry, actor=request.user, reason=serializer.validated_data["reason"]
        )
        data = ChecksSerializer(services.policy_checks(entry=entry)).data
        return Response(data, status=status.HTTP_201_CREATED)


def entry_checks_viewset(entry_type: EntryType) -> type[EntryChecksViewSet]:
    """The `{id}/checks/` views of a type, tagged as the type's other operations."""
    opts, name = entry_type.model._meta, f"{entry_type.model.__name__}ChecksViewSet"
    viewset = type(
        name,
        (EntryChecksViewSet,),
        {
            "__module__": __name__,
            "__qualname__": name,
            "model": entry_type.model,
            "permission_model": f"{opts.app_label}.{opts.model_name}",
        },
    )
    return extend_schema(tags=[entry_type.plural])(viewset)


@extend_schema(tags=["entries"])
class RuntimeEntryChecksViewSet(EntryChecksViewSet):
    """`entries/<api_id>/{id}/checks/`: the checks of a runtime type's entries, one route
    set for every such type, resolved per request as `entries/<api_id>/` is."""

    model = Entry  # what the schema shows; each request sets its type's own (initial())
    permission_model = "content.entry"

    def dispatch(self, request, *args, api_id=None, **kwargs):
        self.api_id = api_id
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        registration = runtime_type(self.api_id)
        opts = registration.model._meta
        self.model = registration.model
        self.permission_model = f"{opts.app_label}.{opts.model_name}"
        super().initial(request, *args, **kwargs)


def typed_checks_viewset(registration: EntryType) -> type[RuntimeEntryChecksViewSet]:
    """The checks viewset as the schema shows it for one runtime type (under its tag)."""
    name = f"{registration.model.__name__}ChecksViewSet"
    attrs = {"__module__": __name__, "__qualname__": name}
    viewset = type(name, (RuntimeEntryChecksViewSet,), attrs)
    return extend_schema(tags=[registration.api_name])(viewset)
