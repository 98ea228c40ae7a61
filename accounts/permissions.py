"""DRF permission classes, built from the role matrix (accounts.roles)."""

from __future__ import annotations

from rest_framework import permissions

from accounts.models import ApiKey, ApiKeyScope


def api_key_allows(request, scope: str) -> bool:
    """True unless the request uses an API key that lacks `scope`."""
    return not isinstance(request.auth, ApiKey) or scope in request.auth.scopes


class HasModelPermission(permissions.BasePermission):
    """Map each method to the Django model permission the role matrix must grant.

    Views set `permission_model` ("app_label.model"), and API keys must also carry
    `content:read` for reads and `content:write` for writes.
    """

    actions = {
        "GET": "view",
        "HEAD": "view",
        "OPTIONS": "view",
        "POST": "add",
        "PUT": "change",
        "PATCH": "change",
        "DELETE": "delete",
    }

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        read = request.method in permissions.SAFE_METHODS
        scope = ApiKeyScope.CONTENT_READ if read else ApiKeyScope.CONTENT_WRITE
        if not api_key_allows(request, scope):
            return False
        return request.user.has_perm(self.permission_for(request, view))

    def permission_for(self, request, view) -> str:
        """The permission the view's action (or the request's method) needs."""
        app_label, model = view.permission_model.split(".")
        action = getattr(view, "action_permissions", {}).get(
            getattr(view, "action", None)
        ) or self.actions.get(request.method, "view")
        return f"{app_label}.{action}_{model}"


class HasObjectPermission(HasModelPermission):
    """HasModelPermission, asked again of the object a detail route acts on: for models
    whose permissions a backend answers per object (content's section-limited roles)."""

    def has_object_permission(self, request, view, obj) -> bool:
        return request.user.has_perm(self.permission_for(request, view), obj)


class RejectApiKeys(permissions.BasePermission):
    """Account self-service (me, password) is for people, not machine keys."""

    message = "API keys cannot use this endpoint."

    def has_permission(self, request, view) -> bool:
        return not isinstance(request.auth, ApiKey)
