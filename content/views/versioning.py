"""Optimistic concurrency for updates: If-Match: "<version>" or a `version` body field."""

from __future__ import annotations

import re

from rest_framework.exceptions import ValidationError

from core.exceptions import PreconditionRequired

_ETAG_RE = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')


def expected_version(request, *, body_version: int | None) -> int:
    """The version the client edited; 428 when it sent none, 400 when it is malformed."""
    header = request.headers.get("If-Match")
    if header is not None:
        match = _ETAG_RE.match(header)
        if not match:
            raise ValidationError({"If-Match": ['Send the version as If-Match: "<version>".']})
        return int(match.group(1))
    if body_version is not None:
        return body_version
    raise PreconditionRequired()


def etag(version: int) -> str:
    return f'"{version}"'
