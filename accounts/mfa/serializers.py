"""Shapes of `auth/mfa/...` and the token endpoint's second step. Rules: services."""

from __future__ import annotations

from rest_framework import serializers

from accounts.mfa.verify import code_wellformed
from core.serializers import StrictSerializer

FACTORS = ["totp", "recovery_code", "passkey"]


class MfaDeviceSerializer(serializers.Serializer):
    id = serializers.CharField(help_text='"<kind>-<n>", as DELETE auth/mfa/devices/{id}/ takes it.')
    kind = serializers.ChoiceField(choices=["totp", "recovery_codes", "passkey"])
    name = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
    remaining = serializers.IntegerField(
        allow_null=True, help_text="Recovery codes left (null for other kinds)."
    )


class MfaStatusSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="The user has a confirmed second factor.")
    # DRF's metaclass takes declared fields off the class: no clash with Field.required.
    required = serializers.BooleanField(help_text="The user's role requires one.")  # type: ignore[assignment]
    enrolment_required = serializers.BooleanField(
        help_text="Required and missing: only enrolment answers until the user enrols."
    )
    methods = serializers.ListField(child=serializers.ChoiceField(choices=FACTORS))
    devices = MfaDeviceSerializer(many=True)


class TotpEnrolmentSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The key, base32, to type into an app.")
    otpauth_uri = serializers.CharField(help_text="otpauth://totp/... for apps and QR codes.")
    qr_svg = serializers.CharField(help_text="The otpauth URI as an SVG QR code.")


class TotpBeginSerializer(StrictSerializer):
    name = serializers.CharField(max_length=64, required=False, allow_blank=True)


class CodeField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=20, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not code_wellformed(value):
            raise serializers.ValidationError(
                "Enter 6 digits, or a recovery code such as abcd-efgh.", code="invalid"
            )
        return value


class TotpConfirmSerializer(StrictSerializer):
    code = CodeField(help_text="The 6-digit code the app shows now.")


class TotpConfirmedSerializer(serializers.Serializer):
    device = MfaDeviceSerializer()
    recovery_codes = serializers.ListField(
        child=serializers.CharField(),
        help_text="The first recovery codes, shown this once (empty if the user had some).",
    )


class RecoveryCodesSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), help_text="Shown this once; the old codes stop working."
    )


class MfaChallengeSerializer(serializers.Serializer):
    mfa_required = serializers.BooleanField()
    ticket = serializers.CharField(help_text="For POST auth/token/mfa/; short-lived, single use.")
    methods = serializers.ListField(child=serializers.ChoiceField(choices=FACTORS))


class TokenMfaSerializer(StrictSerializer):
    ticket = serializers.CharField(max_length=1024)
    code = CodeField(help_text="A TOTP code (6 digits) or a recovery code.")


class MfaResetSerializer(serializers.Serializer):
    removed = serializers.IntegerField(help_text="How many factors were removed.")
