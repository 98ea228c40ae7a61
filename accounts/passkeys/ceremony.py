"""django-otp-webauthn's ceremonies, with Folio's rules around them.

The library verifies everything WebAuthn asks for (challenge, origin, relying party,
signature, sign count, the credential's owner); Folio adds:
- a name for each new passkey (the browser it was made in) and an audit row;
- only people who may use the admin (active staff) register passkeys or sign in with one;
- an audit row for each sign-in through a passkey, whose factor is "passkey";
- after signing in, the admin (or the page the sign-in form was asked for) rather than
  settings.LOGIN_REDIRECT_URL.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login
from django.urls import reverse
from django_otp import login as otp_login
from django_otp_webauthn import exceptions, views
from django_otp_webauthn.helpers import WebAuthnHelper

from accounts.passkeys import services
from accounts.passkeys.services import NAME_MAX_LENGTH
from accounts.user_sessions import device_name


class NotAdminUser(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = "This account cannot sign in to the admin."
    default_code = "not_admin_user"


class FolioWebAuthnHelper(WebAuthnHelper):
    """Names each new passkey after the browser that made it ("Chrome 131 on Linux"), and
    audits it (OTP_WEBAUTHN_HELPER_CLASS)."""

    def create_credential(self, user, response, parsed_credential, original_data):
        credential = super().create_credential(user, response, parsed_credential, original_data)
        agent = self.request.headers.get("user-agent", "")
        credential.name = device_name(agent)[:NAME_MAX_LENGTH]
        return credential

    def register_complete(self, user, state: dict, data: dict):
        credential = super().register_complete(user=user, state=state, data=data)
        services.passkey_added_record(actor=user, passkey=credential)
        return credential


def _ensure_admin_user(user: Any) -> None:
    if not (user.is_active and user.is_staff):
        raise NotAdminUser()


class BeginRegistrationView(views.BeginCredentialRegistrationView):
    def check_can_register(self) -> None:
        _ensure_admin_user(self.request.user)


class CompleteRegistrationView(views.CompleteCredentialRegistrationView):
    def check_can_register(self) -> None:
        _ensure_admin_user(self.request.user)


# The sign-in waiting for its second factor after the password: accounts.mfa.admin_signin
# keeps a ticket (not a login) in the session under this key. Its module is imported only
# where a ticket exists, i.e. where that sign-in flow is installed.
PENDING_TICKET = "mfa_pending_ticket"


class SignInExpired(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = "That sign-in expired; enter your password again."
    default_code = "sign_in_expired"


def _pending_user(request: Any) -> Any:
    """The user whose password was checked and who now owes a second factor, or None."""
    ticket = request.session.get(PENDING_TICKET)
    if not ticket:
        return None
    from accounts.mfa import tickets

    try:
        return tickets.ticket_user(ticket)
    except tickets.TicketInvalid:
        raise SignInExpired() from None


def _finish_pending_sign_in(request: Any, user: Any) -> str | None:
    """Sign in the ticket's user as the code step does (accounts.mfa.admin_signin), and
    say where they were going."""
    from accounts.mfa import admin_signin, tickets

    session = request.session
    try:
        tickets.ticket_use(session[PENDING_TICKET])
    except tickets.TicketInvalid:
        raise SignInExpired() from None
    backend = session.get(admin_signin.PENDING_BACKEND)
    next_url = session.get(admin_signin.PENDING_NEXT)
    login(request, user, backend=backend)
    for key in (PENDING_TICKET, admin_signin.PENDING_BACKEND, admin_signin.PENDING_NEXT):
        session.pop(key, None)
    return next_url


class _SecondStepUser:
    """Whose passkey a ceremony asks for: the signed-in user's, the sign-in ticket's, or
    (neither) any discoverable one."""

    request: Any

    def get_user(self) -> Any:
        if self.request.user.is_authenticated:
            return self.request.user
        return _pending_user(self.request)


class BeginAuthenticationView(_SecondStepUser, views.BeginCredentialAuthenticationView):
    """Signed in, or past the password: that user's own passkeys (the second step).
    Neither: any discoverable passkey the browser holds (signing in with a passkey alone)."""


class CompleteAuthenticationView(_SecondStepUser, views.CompleteCredentialAuthenticationView):
    """The library checks the assertion, and that its passkey is the expected user's
    (CredentialUserMismatch); this signs in and marks the session verified."""

    next_url: str | None = None

    def check_device_usable(self, device) -> None:
        super().check_device_usable(device)
        _ensure_admin_user(device.user)

    def complete_auth(self, device) -> None:
        request = self.request
        # Read by the `auth.login` audit row (governance.audit.receivers).
        request.auth_factor = "passkey"
        if request.user.is_authenticated:
            # Signed in, not yet verified: this passkey is the session's second factor.
            services.passkey_second_factor_record(user=device.user)
        elif request.session.get(PENDING_TICKET):
            self.next_url = _finish_pending_sign_in(request, device.user)
        else:
            # authenticate() marks the user with WebAuthnBackend, which login() records.
            user = authenticate(request, webauthn_credential=device)
            if user is None:
                raise exceptions.UserDisabled()
            login(request, user)
        otp_login(request, device)

    def get_success_url(self) -> str:
        return self.get_redirect_url() or self.next_url or reverse("admin:index")
