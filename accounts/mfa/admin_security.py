""" "Security" in the admin: each user's second factors (accounts/mfa).

The user themself enrols an authenticator app (QR code and key), sees their recovery
codes once and makes new ones, and removes a factor. An Administrator looking at another
user's page sees their factors and can reset them (a lost device). Writes are
accounts.mfa.services'; the page is UserAdmin's (`<id>/security/`).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django_otp import login as otp_login

from accounts.mfa import services
from accounts.mfa.devices import PASSKEY, device_get, device_list
from accounts.mfa.policy import mfa_required_for
from accounts.models import User
from core.admin_forms import UnfoldWidgetsMixin
from core.admin_services import SERVICE_ERRORS, report_refusal


class ConfirmCodeForm(UnfoldWidgetsMixin, forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SecurityPageMixin:
    """For UserAdmin: the Security page and its actions."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/security/",
                view(self.security_view),
                name="accounts_user_security",
            ),
            path(
                "<path:object_id>/security/<str:act>/",
                view(self.security_action_view),
                name="accounts_user_security_action",
            ),
            *super().get_urls(),
        ]

    def _security_user(self, request, object_id) -> User:
        user = User.objects.filter(pk=unquote(object_id)).first() if object_id.isdigit() else None
        if user is None:
            raise Http404
        if user.pk != request.user.pk and not request.user.has_perm("accounts.view_user"):
            raise PermissionDenied
        return user

    def security_view(self, request, object_id, **extra):
        user = self._security_user(request, object_id)
        own = user.pk == request.user.pk
        context = {
            **self.admin_site.each_context(request),
            "title": "Your security" if own else f"Security of {user}",
            "opts": self.opts,
            "subject": user,
            "own": own,
            "devices": (devices := device_list(user)),
            # Passkeys have a panel of their own (admin/accounts/mfa/_passkeys.html).
            "app_devices": [d for d in devices if d.kind != PASSKEY],
            "required": mfa_required_for(user),
            "pending": services.totp_pending(user) if own else None,
            "confirm_form": extra.pop("confirm_form", None) or ConfirmCodeForm(),
            "can_reset": not own and request.user.has_perm("accounts.change_user"),
            **extra,
        }
        return TemplateResponse(request, "admin/accounts/mfa/security.html", context)

    def security_action_view(self, request, object_id, act):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        user = self._security_user(request, object_id)
        back = HttpResponseRedirect(reverse("admin:accounts_user_security", args=[user.pk]))
        own = user.pk == request.user.pk
        if act == "reset":
            try:
                removed = services.mfa_reset(actor=request.user, user=user)
            except SERVICE_ERRORS as exc:
                report_refusal(request, exc)
            else:
                messages.success(
                    request, f"Removed {removed} factor(s) of {user}; they were emailed."
                )
            return back
        if not own:
            raise PermissionDenied  # only the user themself enrols and removes
        try:
            return self._own_action(request, user, act) or back
        except SERVICE_ERRORS as exc:
            if act == "totp-confirm":
                form = ConfirmCodeForm(request.POST)
                form.is_valid()
                for message in getattr(exc, "message_dict", {}).get("code", [str(exc)]):
                    form.add_error("code", message)
                return self.security_view(request, object_id, confirm_form=form)
            report_refusal(request, exc)
            return back

    def _own_action(self, request, user, act):
        if act == "totp-begin":
            services.totp_enrol_begin(user=user)
            return None
        if act == "totp-confirm":
            device, codes = services.totp_enrol_confirm(
                user=user, code=request.POST.get("code", "")
            )
            otp_login(request, device)  # this session has just proved the factor
            messages.success(request, "Your authenticator app is set up.")
            return self.security_view(request, str(user.pk), recovery_codes=codes)
        if act == "recovery-codes":
            codes = services.recovery_codes_regenerate(user=user)
            messages.success(request, "New recovery codes; the old ones no longer work.")
            return self.security_view(request, str(user.pk), recovery_codes=codes)
        if act == "remove":
            device = device_get(user, request.POST.get("device", ""))
            if device is None:
                raise Http404
            services.device_remove(actor=request.user, device=device)
            messages.success(request, "The factor was removed.")
            return None
        raise Http404


def security_nav_items(request) -> list[dict]:
    """The sidebar's "Security": the signed-in user's own page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    link = reverse("admin:accounts_user_security", args=[user.pk])
    return [{"title": "Security", "icon": "shield_lock", "link": link}]


def security_panel(request, user) -> dict:
    """On a user's change page: their 2FA at a glance and the way to their Security page."""
    return {
        "template": "admin/accounts/mfa/panel.html",
        "devices": device_list(user),
        "required": mfa_required_for(user),
        "url": reverse("admin:accounts_user_security", args=[user.pk]),
    }
