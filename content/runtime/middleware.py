"""Brings this process's runtime types up to date before a request is resolved, so a type
defined through another process has its routes and admin pages here (within the lease of
CONTENT_TYPES_CHECK_SECONDS)."""

from __future__ import annotations

from django.utils.deprecation import MiddlewareMixin

from content.runtime.registry import sync


class RuntimeTypesMiddleware(MiddlewareMixin):
    def process_request(self, request) -> None:
        sync()
