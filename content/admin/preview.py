"""The change form's live preview panel (templates/admin/content/preview_panel.html,
content/static/content/preview_panel.js) and the endpoint it posts the form to.

As the editor types, the panel posts the form's current data to `<id>/preview/live/`. The
form and content.services.preview.preview_draft check and clean it exactly as a save
would, and nothing is written (no revision, no audit row). The answer is Folio's own
rendering of the item (content.admin.preview_page), or, with FRONTEND_PREVIEW_URL, the
frontend's preview address with a short-lived token for that unsaved draft, which the
panel frames (so the change form's CSP `frame-src` names the frontend's origin).

Whoever may change the item previews what they typed; whoever may only view it (a
reviewer) previews its latest revision. Refusals answer in the API's error format: 400
with the form's errors by field, 403, 404.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.urls import path, reverse

from content import frontend
from content.admin.preview_page import preview_page_html
from content.models import PublishableCore
from content.services.preview import PreviewUnavailable, preview_draft, preview_draft_link
from core.admin_services import error_messages, json_error

# How long the panel waits after the last keystroke before it asks again (ms).
DEBOUNCE_MS = 500
INVALID = "The preview was not updated: the form has errors."


def _invalid(errors: dict[str | None, list[str]]) -> JsonResponse:
    """400 with the errors by field; a refusal of the whole item is the message itself."""
    details = {name or "non_field_errors": list(msgs) for name, msgs in errors.items()}
    message = INVALID if set(errors) - {None} else " ".join(errors.get(None) or [INVALID])
    return json_error(400, "validation_error", message, details)


class PreviewAdminMixin:
    """The live preview panel on an item's change form, and its endpoint."""

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_preview_live"
        view = self.admin_site.admin_view(self.live_preview_view)
        return [path("<path:object_id>/preview/live/", view, name=name), *super().get_urls()]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            panel = self.preview_panel(object_id)
            extra_context = {**(extra_context or {}), "folio_preview": panel}
        response = super().changeform_view(request, object_id, form_url, extra_context)
        if origins := frontend.preview_origins():
            # Only this page frames the frontend; everything else keeps `default-src`.
            update = getattr(response, "_csp_update", None) or {}
            response._csp_update = {**update, "frame-src": ["'self'", *origins]}
        return response

    def preview_panel(self, object_id: str) -> dict[str, Any]:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_preview_live"
        return {
            "url": reverse(name, args=[object_id]),
            "mode": "frontend" if settings.FRONTEND_PREVIEW_URL else "folio",
            "debounce": DEBOUNCE_MS,
            "form_id": f"{self.opts.model_name}_form",
        }

    def live_preview_view(self, request, object_id):
        if request.method != "POST":
            return json_error(405, "method_not_allowed", "POST the change form's data.")
        obj = self.get_object(request, unquote(object_id))  # None outside the user's sections
        if obj is None and self.has_view_or_change_permission(request):
            return json_error(404, "not_found", "Not found.")
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return json_error(403, "permission_denied", "You may not view this item.")
        try:
            # The form sets the posted values on its instance: a copy, so `obj` stays stored.
            data = self.preview_data(request, copy.copy(obj))
            draft, unsaved = preview_draft(entry=obj, actor=request.user, data=data)
            shown = self.preview_shown(request, obj, draft)
        except ValidationError as exc:
            return _invalid(error_messages(exc))
        except PermissionDenied as exc:
            return json_error(403, "permission_denied", str(exc) or "You may not do that.")
        except PreviewUnavailable as exc:
            return json_error(503, exc.default_code, str(exc.detail))
        return JsonResponse({**shown, "unsaved": unsaved, "revision": draft.number})

    def preview_data(self, request, obj: PublishableCore) -> dict[str, Any] | None:
        """The posted form as the save would send it to the service (ValidationError with
        the form's errors); None for a user who may only view the item."""
        if not self.has_change_permission(request, obj):
            return None
        fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        form = self.get_form(request, obj, change=True, fields=fields)(
            request.POST, request.FILES, instance=obj
        )
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        return self.service_data(form, change=True)

    def preview_shown(self, request, entry: PublishableCore, draft) -> dict[str, Any]:
        """What the panel shows: Folio's page, or the frontend's preview address."""
        if not settings.FRONTEND_PREVIEW_URL:
            return {"mode": "folio", "html": preview_page_html(entry, draft)}
        link = preview_draft_link(entry=entry, draft=draft, actor=request.user)
        return {
            "mode": "frontend",
            "url": request.build_absolute_uri(link["url"]),
            "expires_at": link["expires_at"].isoformat(),
        }
