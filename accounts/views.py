"""Auth endpoints, the current user, users and API keys."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts import key_limits, selectors, services, user_sessions
from accounts.audit import audit_record
from accounts.filters import UserFilter
from accounts.mfa import services as mfa_services
from accounts.mfa.serializers import MfaChallengeSerializer, MfaResetSerializer
from accounts.permissions import HasModelPermission, RejectApiKeys
from accounts.serializers import (
    ApiKeyCreatedSerializer,
    ApiKeyCreateSerializer,
    ApiKeyLimitsSerializer,
    ApiKeySerializer,
    DetailSerializer,
    LogoutSerializer,
    MeUpdateSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    TokenPairSerializer,
    UserCreateSerializer,
    UserSerializer,
    UserUpdateSerializer,
)
from accounts.views_sessions import SessionsEndedSerializer
from core.throttling import ScopedRateThrottle


class PublicEndpoint:
    """Anyone may call it; credentials, if sent, are ignored."""

    authentication_classes = []
    permission_classes = [AllowAny]


@extend_schema(
    tags=["auth"],
    responses={
        200: PolymorphicProxySerializer(
            component_name="TokenObtainResult",
            serializers=[TokenPairSerializer, MfaChallengeSerializer],
            resource_type_field_name=None,
        )
    },
)
class TokenObtainView(TokenObtainPairView):
    """Exchange email and password for an access and a refresh token. A user with
    two-factor sign-in gets `{"mfa_required": true, "ticket", "methods"}` instead: send the
    ticket and a code to `auth/token/mfa/` for the tokens."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    authentication_classes = []

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.data.get("mfa_required"):
            return response  # audited as auth.mfa_challenge; the sign-in is not done yet
        user = RefreshToken(response.data["refresh"]).payload.get("user_id")
        audit_record(
            actor=selectors.user_get(pk=user),
            action="auth.login",
            metadata={"via": "api", "factor": "password"},
        )
        return response


@extend_schema(tags=["auth"], responses={200: TokenPairSerializer})
class TokenRefreshRotateView(TokenRefreshView):
    """Rotate a refresh token: the old one is blacklisted, a new pair is returned."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "refresh"  # its own budget: a token is no password guess
    authentication_classes = []


class LogoutView(PublicEndpoint, APIView):
    """Blacklist a refresh token, so it can never be used again."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "refresh"

    def get_authenticate_header(self, request) -> str:
        # No authenticators here, yet a bad refresh token is a 401, as on auth/token/refresh/.
        return 'Bearer realm="api"'

    @extend_schema(tags=["auth"], request=LogoutSerializer, responses={204: None})
    def post(self, request):
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.session_logout(refresh_token=serializer.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user: read, and change name or email."""

    permission_classes = [IsAuthenticated, RejectApiKeys]

    @extend_schema(tags=["auth"], responses=UserSerializer)
    def get(self, request):
        return Response(UserSerializer(request.user).data)

    @extend_schema(tags=["auth"], request=MeUpdateSerializer, responses=UserSerializer)
    def patch(self, request):
        serializer = MeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_update(
            actor=request.user, user=request.user, data=dict(serializer.validated_data)
        )
        return Response(UserSerializer(user).data)


class PasswordChangeView(APIView):
    """Change your password. Every token issued before stops working."""

    permission_classes = [IsAuthenticated, RejectApiKeys]

    @extend_schema(tags=["auth"], request=PasswordChangeSerializer, responses={204: None})
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_change_password(user=request.user, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(PublicEndpoint, APIView):
    """Email a reset link. The answer is the same whether or not the email is known."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password_reset"

    @extend_schema(
        tags=["auth"], request=PasswordResetSerializer, responses={202: DetailSerializer}
    )
    def post(self, request):
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            services.password_reset_request(email=serializer.validated_data["email"])
        return Response(
            {"detail": "If the address belongs to an account, a reset link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmView(PublicEndpoint, APIView):
    """Set a new password with the uid and token from the reset email."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "password_reset"

    @extend_schema(tags=["auth"], request=PasswordResetConfirmSerializer, responses={204: None})
    def post(self, request):
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_confirm(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(tags=["users"]),
    retrieve=extend_schema(tags=["users"]),
    create=extend_schema(
        tags=["users"], request=UserCreateSerializer, responses={201: UserSerializer}
    ),
    partial_update=extend_schema(
        tags=["users"], request=UserUpdateSerializer, responses=UserSerializer
    ),
)
class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Administrators: create users, assign roles, deactivate."""

    permission_classes = [HasModelPermission, RejectApiKeys]
    permission_model = "accounts.user"
    action_permissions = {"deactivate": "change", "end_sessions": "change", "reset_mfa": "change"}
    serializer_class = UserSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = UserFilter

    def get_queryset(self):
        return selectors.user_list()

    def create(self, request, *args, **kwargs):
        serializer = UserCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, **serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        user = self.get_object()
        serializer = UserUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        roles = data.pop("roles", None)
        user = services.user_update(actor=request.user, user=user, data=data, roles=roles)
        return Response(UserSerializer(selectors.user_get(pk=user.pk)).data)

    @extend_schema(tags=["users"], request=None, responses=UserSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Deactivate the user: they can no longer log in, and their tokens stop working."""
        user = services.user_deactivate(actor=request.user, user=self.get_object())
        return Response(UserSerializer(user).data)

    @extend_schema(tags=["users"], request=None, responses=SessionsEndedSerializer)
    @action(detail=True, methods=["post"], url_path="end-sessions")
    def end_sessions(self, request, pk=None):
        """End all of the user's browser sessions and refresh tokens at once."""
        ended = user_sessions.user_sessions_end_all(actor=request.user, user=self.get_object())
        return Response(SessionsEndedSerializer(ended).data)

    @extend_schema(tags=["users"], request=None, responses=MfaResetSerializer)
    @action(detail=True, methods=["post"], url_path="reset-mfa")
    def reset_mfa(self, request, pk=None):
        """Lost device: remove all of the user's second factors; audited, and they are
        emailed. They enrol again at their next sign-in if their role requires 2FA."""
        removed = mfa_services.mfa_reset(actor=request.user, user=self.get_object())
        return Response(MfaResetSerializer({"removed": removed}).data)


@extend_schema_view(
    list=extend_schema(tags=["api-keys"]),
    retrieve=extend_schema(tags=["api-keys"]),
    create=extend_schema(
        tags=["api-keys"], request=ApiKeyCreateSerializer, responses={201: ApiKeyCreatedSerializer}
    ),
    partial_update=extend_schema(
        tags=["api-keys"], request=ApiKeyLimitsSerializer, responses=ApiKeySerializer
    ),
)
class ApiKeyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Administrators: issue API keys (shown once), list them, set their limits (PATCH:
    `rate_limit`, `allowed_networks`), revoke them."""

    permission_classes = [HasModelPermission, RejectApiKeys]
    permission_model = "accounts.apikey"
    action_permissions = {"revoke": "change"}
    serializer_class = ApiKeySerializer

    def get_queryset(self):
        return selectors.api_key_list()

    def partial_update(self, request, *args, **kwargs):
        serializer = ApiKeyLimitsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = key_limits.api_key_set_limits(
            actor=request.user, api_key=self.get_object(), **serializer.validated_data
        )
        return Response(ApiKeySerializer(key).data)

    def create(self, request, *args, **kwargs):
        serializer = ApiKeyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key, raw_key = services.api_key_create(actor=request.user, **serializer.validated_data)
        data = ApiKeySerializer(key).data | {"key": raw_key}
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["api-keys"], request=None, responses=ApiKeySerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke the key for good."""
        key = services.api_key_revoke(actor=request.user, api_key=self.get_object())
        return Response(ApiKeySerializer(key).data)
