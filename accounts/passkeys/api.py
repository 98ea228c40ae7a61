"""Passkeys in the API: list one's own, rename or remove one (auth/mfa/passkeys/).

Registering one is a browser ceremony (the admin's Security page): a passkey is made by the
device in front of its owner, so the API only manages those that exist. Only one's own are
ever visible here, Administrators included (they remove others' in the admin).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.passkeys import selectors, services
from accounts.passkeys.services import NAME_MAX_LENGTH
from accounts.permissions import RejectApiKeys

NO_SUCH_PASSKEY = "No such passkey of yours."


class PasskeySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_used_at = serializers.DateTimeField(read_only=True, allow_null=True)
    discoverable = serializers.BooleanField(
        read_only=True, allow_null=True, help_text="Whether it signs in without a password."
    )


class PasskeyRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=NAME_MAX_LENGTH, trim_whitespace=True)


def _own_passkey(request, passkey_id: str):
    if not passkey_id.isdigit() or len(passkey_id) > 18:
        raise ValidationError({"id": ["A passkey id is a whole number."]})
    passkey = selectors.passkey_get(user=request.user, passkey_id=int(passkey_id))
    if passkey is None:
        raise NotFound(NO_SUCH_PASSKEY)
    return passkey


class PasskeyListView(APIView):
    """Your passkeys, newest first."""

    permission_classes = [IsAuthenticated, RejectApiKeys]

    @extend_schema(tags=["auth"], responses=PasskeySerializer(many=True))
    def get(self, request):
        rows = selectors.passkey_list(user=request.user)
        return Response(PasskeySerializer(rows, many=True).data)


class PasskeyDetailView(APIView):
    """Rename one of your passkeys, or remove it (it no longer signs you in)."""

    permission_classes = [IsAuthenticated, RejectApiKeys]
    _id = OpenApiParameter("passkey_id", int, OpenApiParameter.PATH)

    @extend_schema(
        tags=["auth"],
        parameters=[_id],
        request=PasskeyRenameSerializer,
        responses=PasskeySerializer,
    )
    def patch(self, request, passkey_id: str):
        passkey = _own_passkey(request, passkey_id)
        data = PasskeyRenameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        passkey = services.passkey_rename(
            actor=request.user, passkey=passkey, name=data.validated_data["name"]
        )
        return Response(PasskeySerializer(passkey).data)

    @extend_schema(tags=["auth"], parameters=[_id], responses={204: None})
    def delete(self, request, passkey_id: str):
        passkey = _own_passkey(request, passkey_id)
        services.passkey_remove(actor=request.user, passkey=passkey)
        return Response(status=status.HTTP_204_NO_CONTENT)
