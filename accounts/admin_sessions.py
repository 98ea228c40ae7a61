""" "Sessions" in the admin: where the signed-in user is signed in, and ending any of it.

Every staff user sees only their own sessions (browsers and API refresh tokens) and ends
them with the list's action; the writes are accounts.user_sessions', as in the API.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from unfold.admin import ModelAdmin

from accounts import user_sessions
from accounts.models import UserSession


@admin.register(UserSession)
class UserSessionAdmin(ModelAdmin):
    nav_section, nav_icon, nav_order = "settings", "devices", 15
    list_display = ["device", "kind_label", "ip", "last_seen_at", "created_at", "this_browser"]
    list_display_links = None
    # Never the session key or the token: they are credentials (the cookie is HttpOnly).
    fields = readonly_fields = [
        "device",
        "kind_label",
        "ip",
        "user_agent",
        "created_at",
        "last_seen_at",
    ]
    actions = ["end_sessions"]

    def get_queryset(self, request):
        # Whether a row is the browser looking at the page, marked in the query (the
        # admin instance is shared between requests).
        key = getattr(getattr(request, "session", None), "session_key", None)
        here = (
            ExpressionWrapper(Q(session_id=key), output_field=BooleanField())
            if key
            else Value(False)
        )
        return user_sessions.user_session_list(user=request.user).annotate(is_here=here)

    # Anyone signed in to the admin has sessions of their own; nobody sees another's.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and (
            obj is None or obj.user_id == request.user.pk
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # Django's "delete selected" would bypass the service (and the audit row).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="Device")
    def device(self, obj: UserSession) -> str:
        return user_sessions.device_name(obj.user_agent)

    @admin.display(description="Kind")
    def kind_label(self, obj: UserSession) -> str:
        return obj.get_kind_display()

    @admin.display(description="This browser", boolean=True)
    def this_browser(self, obj: UserSession) -> bool:
        return bool(getattr(obj, "is_here", False))

    @admin.action(description="End selected sessions")
    def end_sessions(self, request, queryset):
        ended = 0
        for row in queryset.filter(user=request.user):
            user_sessions.user_session_end(actor=request.user, session=row)
            ended += 1
        messages.success(request, f"Ended {ended} session(s).")
