"""A user's single sign-on links on their admin page, and unlinking one.

Registered as a user panel (accounts.extensions) by AccountsConfig.ready(). Unlinking is
how an Administrator lets a new provider account claim a Folio account whose old link
refuses it ("identity_conflict", docs/security.md).
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import OidcIdentity, User
from accounts.oidc.services import oidc_identity_unlink

TEMPLATE = "admin/accounts/panels/oidc_identities.html"


def oidc_identities_panel(request: HttpRequest, user: Any) -> dict[str, Any] | None:
    """The user's links to issuer accounts; None when there are none."""
    identities = list(OidcIdentity.objects.filter(user=user).order_by("issuer"))
    if not identities:
        return None
    return {
        "template": TEMPLATE,
        "identities": identities,
        "may_unlink": request.user.has_perm("accounts.change_user"),
    }


@require_POST
def _unlink(request: HttpRequest, pk: int) -> HttpResponse:
    identity = get_object_or_404(OidcIdentity.objects.select_related("user"), pk=pk)
    back = reverse("admin:accounts_user_change", args=[identity.user_id])
    try:
        # admin_view lets only a signed-in staff user this far.
        oidc_identity_unlink(actor=cast(User, request.user), identity=identity)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Unlinked {identity.user} from {identity.issuer}.")
    return HttpResponseRedirect(back)


oidc_identity_unlink_view = admin.site.admin_view(_unlink)
