"""Sessions in the API: list and end one's own; an Administrator ends all of a user's."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import user_sessions
from accounts.models import UserSession
from accounts.permissions import RejectApiKeys

NO_SUCH_SESSION = "No such session of yours."


class UserSessionSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=UserSession.Kind.choices, read_only=True)
    device = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField()

    class Meta:
        model = UserSession
        fields = [
            "id",
            "kind",
            "device",
            "user_agent",
            "ip",
            "created_at",
            "last_seen_at",
            "current",
        ]
        read_only_fields = fields

    def get_device(self, obj: UserSession) -> str:
        return user_sessions.device_name(obj.user_agent)

    def get_current(self, obj: UserSession) -> bool:
        """Whether this is the browser session the request itself came with."""
        request = self.context.get("request")
        session = getattr(getattr(request, "_request", request), "session", None)
        return bool(obj.session_id and session and obj.session_id == session.session_key)


class SessionsEndedSerializer(serializers.Serializer):
    browser_sessions = serializers.IntegerField()
    refresh_tokens = serializers.IntegerField()


class SessionListView(APIView):
    """Where you are signed in: browser sessions of the admin and API refresh tokens."""

    permission_classes = [IsAuthenticated, RejectApiKeys]

    @extend_schema(tags=["auth"], responses=UserSessionSerializer(many=True))
    def get(self, request):
        rows = user_sessions.user_session_list(user=request.user)
        return Response(UserSessionSerializer(rows, many=True, context={"request": request}).data)


class SessionDetailView(APIView):
    """End one of your sessions: that browser is signed out, that refresh token refused."""

    permission_classes = [IsAuthenticated, RejectApiKeys]

    @extend_schema(
        tags=["auth"],
        parameters=[OpenApiParameter("session_id", int, OpenApiParameter.PATH)],
        responses={204: None},
    )
    def delete(self, request, session_id: str):
        if not session_id.isdigit() or len(session_id) > 18:
            raise ValidationError({"id": ["A session id is a whole number."]})
        row = user_sessions.user_session_get(user=request.user, session_id=int(session_id))
        if row is None:
            raise NotFound(NO_SUCH_SESSION)
        user_sessions.user_session_end(actor=request.user, session=row)
        return Response(status=status.HTTP_204_NO_CONTENT)
