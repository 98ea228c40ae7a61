"""`{% oidc_sign_in_button next %}`: the admin sign-in page's "Sign in with …" (accounts.oidc)."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("admin/oidc_button.html")
def oidc_sign_in_button(next_url: str = "") -> dict[str, str]:
    """The button, when single sign-on is configured (nothing otherwise)."""
    if not settings.OIDC_ISSUER:
        return {"url": ""}
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return {"url": reverse("oidc-login") + query, "name": settings.OIDC_PROVIDER_NAME}
