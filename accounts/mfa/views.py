"""`auth/mfa/...`: the signed-in user's second factors; `auth/token/mfa/`: the token
endpoint's second step; `users/{id}/reset-mfa/` lives on UserViewSet (accounts.views)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.audit import audit_record
from accounts.mfa import services, signin
from accounts.mfa.devices import device_get, device_info, device_list, signin_methods
from accounts.mfa.enforcement import EXEMPT_AMR
from accounts.mfa.policy import mfa_required_for, user_has_mfa
from accounts.mfa.serializers import (
    MfaDeviceSerializer,
    MfaStatusSerializer,
    RecoveryCodesSerializer,
    TokenMfaSerializer,
    TotpBeginSerializer,
    TotpConfirmedSerializer,
    TotpConfirmSerializer,
    TotpEnrolmentSerializer,
)
from accounts.permissions import RejectApiKeys
from accounts.serializers import TokenPairSerializer
from core.throttling import ScopedRateThrottle


class FactorsChangeable(BasePermission):
    """A user with 2FA changes their factors only with a token that passed one: a token
    got on the password alone (before they enrolled) may read, not add or remove."""

    message = "Sign in again with your second factor to change your factors."
    code = "mfa_verification_required"

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        amr = request.auth.get("amr") if hasattr(request.auth, "get") else None
        if amr and EXEMPT_AMR & set(amr):
            return True
        return not user_has_mfa(request.user)


class OwnFactorsView(APIView):
    """Signed in with a token (API keys have no second factor)."""

    permission_classes = [IsAuthenticated, RejectApiKeys, FactorsChangeable]


class MfaStatusView(OwnFactorsView):
    @extend_schema(tags=["auth"], responses=MfaStatusSerializer)
    def get(self, request):
        """Whether you have 2FA, whether your role requires it, and your factors."""
        user = request.user
        enabled, required = user_has_mfa(user), mfa_required_for(user)
        data = {
            "enabled": enabled,
            "required": required,
            "enrolment_required": required and not enabled,
            "methods": signin_methods(user),
            "devices": [vars(d) for d in device_list(user)],
        }
        return Response(MfaStatusSerializer(data).data)


class TotpBeginView(OwnFactorsView):
    @extend_schema(
        tags=["auth"], request=TotpBeginSerializer, responses={201: TotpEnrolmentSerializer}
    )
    def post(self, request):
        """Start adding an authenticator app: its key, as text, URI and QR code. It counts
        once confirmed (auth/mfa/totp/confirm/)."""
        serializer = TotpBeginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data.get("name") or services.TOTP_NAME
        enrolment = services.totp_enrol_begin(user=request.user, name=name)
        return Response(TotpEnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)


class TotpConfirmView(OwnFactorsView):
    @extend_schema(
        tags=["auth"], request=TotpConfirmSerializer, responses={201: TotpConfirmedSerializer}
    )
    def post(self, request):
        """Confirm the app with a code from it; the first time, recovery codes come back
        (shown once)."""
        serializer = TotpConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        device, codes = services.totp_enrol_confirm(
            user=request.user, code=serializer.validated_data["code"]
        )
        data = {"device": vars(device_info(device)), "recovery_codes": codes}
        return Response(TotpConfirmedSerializer(data).data, status=status.HTTP_201_CREATED)


class RecoveryCodesView(OwnFactorsView):
    @extend_schema(tags=["auth"], request=None, responses={201: RecoveryCodesSerializer})
    def post(self, request):
        """New recovery codes, shown once; the old ones stop working."""
        codes = services.recovery_codes_regenerate(user=request.user)
        return Response({"recovery_codes": codes}, status=status.HTTP_201_CREATED)


class DeviceView(OwnFactorsView):
    @extend_schema(tags=["auth"], responses=MfaDeviceSerializer)
    def get(self, request, device_id: str):
        """One of your factors."""
        return Response(MfaDeviceSerializer(vars(device_info(self._device(device_id)))).data)

    @extend_schema(tags=["auth"], responses={204: None})
    def delete(self, request, device_id: str):
        """Remove one of your factors (the last app or passkey takes the recovery codes)."""
        services.device_remove(actor=request.user, device=self._device(device_id))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _device(self, device_id: str):
        device = device_get(self.request.user, device_id)
        if device is None:
            raise Http404
        return device


@extend_schema(tags=["auth"], request=TokenMfaSerializer, responses={200: TokenPairSerializer})
class TokenMfaView(APIView):
    """The token endpoint's second step: the ticket from `auth/token/` and a code give
    `{access, refresh}`. Wrong codes count as failed sign-ins (lockout, 429)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def get_authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'  # a wrong code or ticket is a 401, as a wrong password

    def post(self, request):
        serializer = TokenMfaSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, factor = signin.ticket_signin(request=request, **serializer.validated_data)
        pair = signin.token_pair(user, factor)
        audit_record(
            actor=user, action="auth.login", target=user, metadata={"via": "api", "factor": factor}
        )
        return Response(pair)
