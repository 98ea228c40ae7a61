"""Shapes of users, tokens and API keys. No rules here: services hold them."""

from __future__ import annotations

from django.contrib.auth import authenticate
from rest_framework import exceptions, serializers
from rest_framework_simplejwt.serializers import PasswordField, TokenObtainPairSerializer
from rest_framework_simplejwt.serializers import (
    TokenRefreshSerializer as BaseTokenRefreshSerializer,
)
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.mfa.signin import password_signin
from accounts.models import ApiKey, ApiKeyScope, User
from accounts.roles import ROLE_NAMES
from core.serializers import StrictFieldsMixin, StrictSerializer


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.ListField(child=serializers.ChoiceField(choices=ROLE_NAMES), read_only=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "roles", "is_active"]
        read_only_fields = fields


class UserCreateSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    password = serializers.CharField(write_only=True, max_length=128, trim_whitespace=False)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=ROLE_NAMES), required=False, max_length=5
    )


class UserUpdateSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254, required=False)
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=ROLE_NAMES), required=False, max_length=5
    )


class MeUpdateSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254, required=False)
    full_name = serializers.CharField(max_length=150, required=False, allow_blank=True)


class PasswordChangeSerializer(StrictSerializer):
    old_password = serializers.CharField(max_length=128, trim_whitespace=False)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordResetSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(StrictSerializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(max_length=128, trim_whitespace=False)


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenObtainSerializer(StrictFieldsMixin, TokenObtainPairSerializer):
    """`{email, password}` → `{access, refresh}`, or for a user with 2FA
    `{mfa_required, ticket, methods}` (accounts.mfa.signin: never tokens on the password
    alone)."""

    access = serializers.CharField(read_only=True)
    refresh = serializers.CharField(read_only=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"] = serializers.EmailField(max_length=254, write_only=True)
        # Passwords are set untrimmed (UserCreateSerializer), so they are checked untrimmed;
        # the length cap must be a validator, which setting `max_length` afterwards is not.
        self.fields["password"] = PasswordField(max_length=128, trim_whitespace=False)

    def validate(self, attrs):
        request = self.context["request"]
        # authenticate() goes through django-axes, so API and admin failures share one lockout.
        # A locked-out login returns None here; axes' middleware then answers with a 429
        # (core.exceptions.axes_lockout_response).
        self.user = authenticate(
            request=getattr(request, "_request", request),
            email=attrs["email"],
            password=attrs["password"],
        )
        if self.user is None or not api_settings.USER_AUTHENTICATION_RULE(self.user):
            raise exceptions.AuthenticationFailed(
                "No active account found with the given credentials.", code="invalid_credentials"
            )
        return password_signin(self.user)


class TokenRefreshSerializer(StrictFieldsMixin, BaseTokenRefreshSerializer):
    """Rotate a refresh token; refuse it if the user is gone, inactive or changed password."""

    refresh = serializers.CharField(write_only=True)
    access = serializers.CharField(read_only=True)

    def validate(self, attrs):
        token = RefreshToken(attrs["refresh"])
        user = User.objects.filter(pk=token.payload.get(api_settings.USER_ID_CLAIM)).first()
        if (
            user is None
            or not user.is_active
            or token.payload.get(api_settings.REVOKE_TOKEN_CLAIM)
            != get_md5_hash_password(user.password)
        ):
            raise exceptions.AuthenticationFailed(
                "This token is no longer valid.", code="token_not_valid"
            )
        return super().validate(attrs)


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class LogoutSerializer(StrictSerializer):
    refresh = serializers.CharField()


class ApiKeySerializer(serializers.ModelSerializer):
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ApiKeyScope.choices))
    is_usable = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "user",
            "created_by",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "is_usable",
            "rate_limit",
            "allowed_networks",
        ]
        read_only_fields = fields


class ApiKeyCreatedSerializer(ApiKeySerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
        read_only_fields = fields


class ApiKeyLimitsSerializer(StrictSerializer):
    """The key's own limits; the rules are accounts.key_limits'."""

    rate_limit = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text='Its own throttle, such as "600/min" (s, min, hour, day); "" for the default.',
    )
    allowed_networks = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        max_length=50,
        help_text="CIDR ranges the key may be used from; [] for anywhere.",
    )


class ApiKeyCreateSerializer(ApiKeyLimitsSerializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiKeyScope.choices), min_length=1, max_length=3
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text="The user the key acts as; defaults to you.",
    )
