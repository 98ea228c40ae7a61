"""The admin's Remove button on a Security page's passkeys (templates/admin/accounts/mfa/
_passkeys.html): a POST, through the same service as the API."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp_webauthn.models import WebAuthnCredential

from accounts.passkeys import services


def _back(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse("admin:index")


@require_POST
def passkey_remove_view(request: HttpRequest, passkey_id: int) -> HttpResponse:
    """Remove a passkey: one's own, or anyone's for who may change users."""
    passkey = WebAuthnCredential.objects.select_related("user").filter(pk=passkey_id).first()
    if passkey is None:
        raise Http404("No such passkey.")
    try:
        services.passkey_remove(actor=request.user, passkey=passkey)
    except PermissionDenied:
        # Someone else's passkey is not there at all, to whom may not manage it.
        raise Http404("No such passkey.") from None
    messages.success(request, f"Removed the passkey “{passkey.name}”.")
    return HttpResponseRedirect(_back(request))
