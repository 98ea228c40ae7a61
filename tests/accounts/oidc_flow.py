"""Driving a single sign-on through the test issuer with Django's test client: Folio's
pages in-process, the issuer over real HTTP (tests/oidc_issuer.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from django.test import Client

from governance.models import AuditEvent


def sign_in(client: Client, *, next_url: str = "/admin/", tamper=None):
    """Click "Sign in with …", let the issuer approve, follow it back; the callback's
    response. `tamper(callback_url)` may change the address the issuer sends back."""
    start = client.get("/admin/oidc/login/", {"next": next_url})
    assert start.status_code == 302, start
    approved = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert approved.status_code == 302, approved.text
    callback = approved.headers["Location"]
    if tamper:
        callback = tamper(callback)
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


def login_page_message(client: Client) -> str:
    """The text of the admin sign-in page the browser is sent back to."""
    return client.get("/admin/login/").content.decode()


def last_refusal() -> AuditEvent:
    return AuditEvent.objects.filter(action="auth.login_failed").latest("id")
