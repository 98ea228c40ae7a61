"""The admin's sign-in in two steps: the password (Django's admin login, which for a
user with 2FA stops short of signing in), then the second factor on its own page.

After the password a user with 2FA gets no session login, only a ticket (accounts.mfa.
tickets) kept in the session; the second step checks a code against it and only then
signs in (Django's login(), audited as `auth.login` with the factor) and marks the session
verified (django-otp's login()). A signed-in session that has not passed a factor (a
device added from the API, say) is sent to the same page by MFAAdminMiddleware.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from rest_framework.exceptions import Throttled

from accounts.audit import audit_record
from accounts.mfa import tickets
from accounts.mfa.devices import FACTOR_OF_KIND, device_kind, signin_methods
from accounts.mfa.policy import user_has_mfa
from accounts.mfa.verify import CodeInvalid, code_wellformed, second_factor_verify
from core.admin_forms import UnfoldWidgetsMixin

PENDING_TICKET = "mfa_pending_ticket"
PENDING_BACKEND = "mfa_pending_backend"
PENDING_NEXT = "mfa_pending_next"


class PasswordStepView(LoginView):
    """Django's login view, handing a user with 2FA on to the second step."""

    def form_valid(self, form):
        user = form.get_user()
        if not user_has_mfa(user):
            return super().form_valid(form)  # signs in: the factor is the password alone
        session = self.request.session
        session[PENDING_TICKET] = tickets.ticket_issue(user)
        session[PENDING_BACKEND] = user.backend
        session[PENDING_NEXT] = self.get_success_url()
        audit_record(
            actor=user, action="auth.mfa_challenge", target=user, metadata={"via": "admin"}
        )
        return HttpResponseRedirect(reverse("admin-mfa-verify"))


@sensitive_post_parameters()
@csrf_protect
@never_cache
def admin_login(request):
    """admin.site.login (Django's), with the password step above."""
    site = admin.site
    if request.method == "GET" and site.has_permission(request):
        return HttpResponseRedirect(reverse("admin:index", current_app=site.name))
    context = {
        **site.each_context(request),
        "title": "Log in",
        "subtitle": None,
        "app_path": request.get_full_path(),
        "username": request.user.get_username(),
    }
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=site.name)
    request.current_app = site.name
    return PasswordStepView.as_view(
        extra_context=context,
        authentication_form=site.login_form or AdminAuthenticationForm,
        template_name=site.login_template or "admin/login.html",
    )(request)


class CodeForm(UnfoldWidgetsMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if not code_wellformed(code):
            raise forms.ValidationError("Enter 6 digits, or a recovery code such as abcd-efgh.")
        return code


def pending_user(request):
    """Whose second step this is: the user of the session's ticket (after the password),
    or the signed-in user whose session has not passed a factor; None if neither.
    TicketInvalid for an expired or used ticket."""
    ticket = request.session.get(PENDING_TICKET)
    if ticket:
        return tickets.ticket_user(ticket)
    if request.user.is_authenticated and user_has_mfa(request.user):
        return request.user
    return None


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("admin:index")


def _abandon(request, message: str) -> HttpResponseRedirect:
    for key in (PENDING_TICKET, PENDING_BACKEND, PENDING_NEXT):
        request.session.pop(key, None)
    messages.error(request, message)
    return redirect("admin:login")


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def admin_mfa_verify(request):
    """The second step: a TOTP or recovery code (or a passkey, from its include)."""
    ticket = request.session.get(PENDING_TICKET)
    try:
        user = pending_user(request)
    except tickets.TicketInvalid:
        return _abandon(request, "That sign-in expired; enter your password again.")
    if user is None:
        return redirect("admin:login")
    if not ticket and request.user.is_verified():
        return HttpResponseRedirect(_safe_next(request, request.GET.get("next")))
    form = CodeForm(request.POST or None)
    retry_after = None
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor_verify(
                request=request, user=user, code=form.cleaned_data["code"]
            )
            if ticket:
                tickets.ticket_use(ticket)
        except tickets.TicketInvalid:
            return _abandon(request, "That sign-in expired; enter your password again.")
        except Throttled as exc:
            retry_after = max(1, int(exc.wait or 1))
            form.add_error(None, f"{exc.detail} Try again in {retry_after} seconds.")
        except CodeInvalid as exc:
            form.add_error("code", str(exc.detail))
        else:
            return signin_complete(request, user, device, ticket)
    response = TemplateResponse(
        request,
        "admin/accounts/mfa/verify.html",
        {
            **admin.site.each_context(request),
            "title": "Two-factor sign-in",
            "form": form,
            "methods": signin_methods(user),
            "mfa_user": user,
        },
        status=429 if retry_after else 200,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def signin_complete(request, user, device, ticket: str | None) -> HttpResponseRedirect:
    """Sign the session in (after the password's ticket) or verify it (already signed in)
    with `device`, which has just accepted a factor; the passkey step calls it too."""
    factor = FACTOR_OF_KIND.get(device_kind(device), device_kind(device))
    if ticket:
        backend = request.session.get(PENDING_BACKEND)
        next_url = request.session.get(PENDING_NEXT)
        request.auth_factor = factor  # read by the `auth.login` audit (governance)
        auth_login(request, user, backend=backend)
        for key in (PENDING_TICKET, PENDING_BACKEND, PENDING_NEXT):
            request.session.pop(key, None)
    else:
        next_url = request.GET.get("next")
        audit_record(actor=user, action="auth.mfa_verify", target=user, metadata={"factor": factor})
    otp_login(request, device)
    return HttpResponseRedirect(_safe_next(request, next_url))
