"""Brings this process's runtime types up to date before a request is resolved, so a type
defined through another process has its routes and admin pages here (within the lease of
CONTENT_TYPES_CHECK_SECONDS)."""

from __future__ import annotations

from content.runtime.registry import sync


class RuntimeTypesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        sync()
        return self.get_response(request)
