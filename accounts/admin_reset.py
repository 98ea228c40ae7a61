"""'Forgot password?' on the admin's sign-in page: Django's password reset pages, writing
through Folio's own reset flow.

Django's views carry the pages (the form, "check your email", the link that hides its
token in the session, "done"); the writes are accounts.services' — the same as
`POST auth/password/reset/` and `.../confirm/`: the email goes out through the outbox,
the request and the reset are audited, and a reset revokes every earlier token. The link
in the email leads back to these pages (the API's requests keep PASSWORD_RESET_URL).
Requests share the API's `password_reset` throttle, so the page is no way around it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from rest_framework.throttling import ScopedRateThrottle

from accounts import services
from core.admin_forms import UnfoldWidgetsMixin
from core.admin_services import error_messages

TOO_MANY = "Too many reset requests from here. Try again in {seconds} seconds."


class ResetRequestForm(UnfoldWidgetsMixin, PasswordResetForm):
    """The email to send a reset link to (sent by the service, not by the form)."""


class NewPasswordForm(UnfoldWidgetsMixin, SetPasswordForm):
    """The new password, twice (set by the service, not by the form)."""


def admin_reset_link(uid: str, token: str) -> str:
    """The admin's confirm page for a reset, at Folio's configured address."""
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.FOLIO_BASE_URL}{path}"


class _ResetScope:
    """What ScopedRateThrottle reads from a view: the API's reset views' scope."""

    throttle_scope = "password_reset"


def throttle_wait(request) -> int | None:
    """Seconds to wait before another reset request from this client; None: go ahead."""
    throttle = ScopedRateThrottle()
    if throttle.allow_request(request, _ResetScope):
        return None
    return max(1, round(throttle.wait() or 1))


class _SiteContextMixin:
    """The admin site's context (its name, theme and colours) on a page outside it."""

    def get_context_data(self, **kwargs):
        return {**admin.site.each_context(self.request), **super().get_context_data(**kwargs)}


class AdminPasswordResetView(_SiteContextMixin, auth_views.PasswordResetView):
    form_class = ResetRequestForm
    template_name = "admin/password_reset/form.html"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        wait = throttle_wait(self.request)
        if wait is not None:
            form.add_error(None, TOO_MANY.format(seconds=wait))
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(wait)
            return response
        services.password_reset_request(
            email=form.cleaned_data["email"], reset_link=admin_reset_link
        )
        return HttpResponseRedirect(self.get_success_url())


class AdminPasswordResetDoneView(_SiteContextMixin, auth_views.PasswordResetDoneView):
    template_name = "admin/password_reset/done.html"


class AdminPasswordResetConfirmView(_SiteContextMixin, auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "admin/password_reset/confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        # Django's dispatch checked the link and keeps its token in the session; the
        # service checks it again as it sets the password (one write path).
        token = self.request.session.get(auth_views.INTERNAL_RESET_SESSION_TOKEN, "")
        try:
            services.password_reset_confirm(
                uid=self.kwargs["uidb64"],
                token=token,
                new_password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            for field, messages in error_messages(exc).items():
                for message in messages:
                    form.add_error("new_password2" if field == "new_password" else None, message)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class AdminPasswordResetCompleteView(_SiteContextMixin, auth_views.PasswordResetCompleteView):
    template_name = "admin/password_reset/complete.html"
