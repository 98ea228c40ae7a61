"""Admin plumbing so that ModelAdmins save through services and show their refusals."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import JsonResponse
from rest_framework.exceptions import APIException

from core.exceptions import error_body

SERVICE_ERRORS = (ValidationError, PermissionDenied)
# What a content service may raise to refuse: Django's errors, plus DRF's Conflict and
# PreconditionFailed (409 / 412) and Locked (423).
REFUSALS = (*SERVICE_ERRORS, APIException)


def error_messages(exc: Exception) -> dict[str | None, list[str]]:
    """A service refusal as {field or None: [messages]}."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return {
            (None if field == "__all__" else field): msgs
            for field, msgs in exc.message_dict.items()
        }
    if isinstance(exc, ValidationError):
        return {None: exc.messages}
    return {None: [str(exc) or "You do not have permission to do that."]}


def json_error(status: int, code: str, message: str, details=None) -> JsonResponse:
    """An admin JSON endpoint's error, in the API's error format."""
    return JsonResponse(error_body(code, message, details), status=status)


def json_refusal(exc: Exception) -> JsonResponse:
    """A service refusal for an admin JSON endpoint: 400 by field, or 403 for rights."""
    found = error_messages(exc)
    message = next(iter(m for msgs in found.values() for m in msgs), "Refused.")
    if isinstance(exc, ValidationError):
        details = {field or "non_field_errors": msgs for field, msgs in found.items()}
        return json_error(400, "validation_error", message, details)
    return json_error(403, "permission_denied", message)


def report_refusal(request, exc: Exception, prefix: str = "") -> None:
    """Show a service refusal as admin messages (used by bulk actions)."""
    for field, msgs in error_messages(exc).items():
        for msg in msgs:
            label = f"{field}: " if field else ""
            messages.error(request, f"{prefix}{label}{msg}")


class ServiceFormAdminMixin:
    """Let `save_model` call a service; if it refuses, roll back and redisplay the form.

    The refusal is attached to the re-rendered form as field or form errors, so the
    editor sees exactly why, and nothing is half-saved.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except SERVICE_ERRORS as exc:
            request._service_refusal = exc
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "_service_refusal", None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                for field, msgs in error_messages(refusal).items():
                    for msg in msgs:
                        self.add_error(field if field in self.fields else None, msg)
                return cleaned

        return RefusedForm
