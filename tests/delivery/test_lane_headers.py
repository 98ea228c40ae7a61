"""The lane's one hook for the security headers, X-Frame-Options and the CSP
(content.delivery.lane_headers) gives what the three middleware give."""

from __future__ import annotations

import pytest
from django.http import HttpResponse, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.test import Client, RequestFactory, override_settings

from content.delivery.lane_headers import ConstantHeadersMiddleware
from core.csp import FolioCSPMiddleware

HTTPS = {"SECURE_HSTS_SECONDS": 3600, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True}


def _never(request):  # pragma: no cover - only the hooks are called
    raise AssertionError


def _three(request, response):
    response = FolioCSPMiddleware(_never).process_response(request, response)
    response = XFrameOptionsMiddleware(_never).process_response(request, response)
    return SecurityMiddleware(_never).process_response(request, response)


@override_settings(**HTTPS)
@pytest.mark.parametrize("secure", [False, True], ids=["http", "https"])
@pytest.mark.parametrize(
    "make",
    [
        lambda: JsonResponse({"a": 1}),
        lambda: JsonResponse({}, headers={"Referrer-Policy": "no-referrer"}),
        lambda: JsonResponse({}, headers={"X-Frame-Options": "SAMEORIGIN"}),
        lambda: JsonResponse({}, headers={"Strict-Transport-Security": "max-age=1"}),
        lambda: JsonResponse({}, headers={"Content-Security-Policy": "default-src 'none'"}),
        lambda: HttpResponse("<p>a page</p>"),
    ],
    ids=["plain", "own-referrer-policy", "own-frame-options", "own-hsts", "own-csp", "html"],
)
def test_the_same_headers_as_the_three(make, secure):
    hook = ConstantHeadersMiddleware(_never)
    for _ in range(2):  # learned on the first, copied on the second
        request = RequestFactory().get("/api/v1/delivery/articles/", secure=secure)
        ours = hook.process_response(request, make())
        theirs = _three(request, make())
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
    for header in (
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Content-Security-Policy",
    ):
        assert main[header] == lane[header]


@pytest.mark.django_db
def test_a_path_the_policy_leaves_out_gets_no_policy_on_the_lane(article, settings):
    article(published=True)
    url = "/api/v1/delivery/articles/"
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": [url],
    }
    response = Client().get(url)
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
    assert response["X-Frame-Options"] == "DENY"
