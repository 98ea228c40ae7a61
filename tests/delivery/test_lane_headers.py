"""The lane's one hook for the security headers and X-Frame-Options
(content.delivery.lane_headers) gives what Django's two middleware give."""

from __future__ import annotations

import pytest
from django.http import HttpResponse, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.test import Client, RequestFactory, override_settings

from content.delivery.lane_headers import ConstantHeadersMiddleware

HTTPS = {"SECURE_HSTS_SECONDS": 3600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True}


def _never(request):  # pragma: no cover - only the hooks are called
    raise AssertionError


def _django(request, response):
    response = XFrameOptionsMiddleware(_never).process_response(request, response)
    return SecurityMiddleware(_never).process_response(request, response)


@override_settings(**HTTPS)
@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
@pytest.mark.parametrize(
    "make",
    [
        lambda: JsonResponse({"a": 1}),
        lambda: HttpResponse(headers={"Referrer-Policy": "no-referrer"}),
        lambda: HttpResponse(headers={"X-Frame-Options": "SAMEORIGIN"}),
        lambda: HttpResponse(headers={"Strict-Transport-Security": "max-age=1"}),
    ],
    ids=["plain", "own-referrer-policy", "own-frame-options", "own-hsts"],
)
def test_the_same_headers_as_djangos_two(make, secure):
    hook = ConstantHeadersMiddleware(_never)
    for _ in range(2):  # learned on the first, copied on the second
        request = RequestFactory().get("/api/v1/delivery/articles/", secure=secure)
        ours = hook.process_response(request, make())
        theirs = _django(request, make())
        assert dict(ours.items()) == dict(theirs.items())
        assert "X-Content-Type-Options" in ours


def test_a_response_exempt_from_frame_options_gets_none():
    response = HttpResponse()
    response.xframe_options_exempt = True
    request = RequestFactory().get("/api/v1/delivery/articles/")
    hook = ConstantHeadersMiddleware(_never)
    assert "X-Frame-Options" not in hook.process_response(request, response)
    assert hook.process_response(request, HttpResponse())["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@override_settings(**HTTPS)
def test_the_lane_over_https_answers_as_the_whole_stack(article):
    article(published=True)
    url = "/api/v1/delivery/articles/"
    with override_settings(DELIVERY_LANE=False):
        main = Client().get(url, secure=True)
    lane = Client().get(url, secure=True)
    assert main["Strict-Transport-Security"] == lane["Strict-Transport-Security"]
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert main[header] == lane[header]
