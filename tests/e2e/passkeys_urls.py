"""The browser tests' URLs plus a bare admin page holding the Security page's passkeys
panel (templates/admin/accounts/mfa/_passkeys.html), for tests/e2e/test_passkeys.py to
register a passkey through the panel as an editor would."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import path

from tests.e2e.urls import handler400, handler404, handler500  # noqa: F401
from tests.e2e.urls import urlpatterns as e2e_urlpatterns

PAGE = Template(
    '{% extends "admin/base_site.html" %}{% block content %}'
    '{% include "admin/accounts/mfa/_passkeys.html" %}{% endblock %}'
)


def passkeys_page(request):
    context = {**admin.site.each_context(request), "title": "Passkeys"}
    return HttpResponse(PAGE.render(RequestContext(request, context)))


urlpatterns = [
    path("admin/passkeys-panel/", admin.site.admin_view(passkeys_page)),
    *e2e_urlpatterns,
]
