"""The browser tests' URLs plus a bare admin page holding the Security page's passkeys
panel (templates/admin/accounts/mfa/_passkeys.html), for tests/e2e/test_passkeys.py to
register a passkey through the panel as an editor would, and one holding the second step's
"Use a passkey" (templates/admin/accounts/mfa/_passkey_verify.html)."""

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


# The sign-in's second step as the mfa pages include it: a `next` field, the button.
VERIFY_PAGE = Template(
    '{% extends "admin/base_site.html" %}{% block content %}'
    '<input type="hidden" name="next" value="/admin/content/article/">'
    '{% include "admin/accounts/mfa/_passkey_verify.html" %}{% endblock %}'
)


def _page(template: Template, title: str):
    def view(request):
        context = {**admin.site.each_context(request), "title": title}
        return HttpResponse(template.render(RequestContext(request, context)))

    return admin.site.admin_view(view)


urlpatterns = [
    path("admin/passkeys-panel/", _page(PAGE, "Passkeys")),
    path("admin/passkey-verify/", _page(VERIFY_PAGE, "Second step")),
    *e2e_urlpatterns,
]
