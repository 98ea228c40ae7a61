"""Request parsers for the API."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

NUL_MESSAGE = "NUL characters are not allowed."


def _nul_paths(data) -> list[str]:
    """Where NUL appears in parsed JSON, as dotted paths (`body.2.value.text`). A loop, not
    recursion: the body may be nested as deeply as the decoder allows."""
    found, stack = [], [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                found.append(path or "non_field_errors")
        elif isinstance(value, dict):
            for key, item in value.items():
                here = f"{path}.{key}" if path else str(key)
                if "\x00" in str(key):
                    found.append(here.replace("\x00", "\\x00"))
                stack.append((here, item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), item) for i, item in enumerate(value))
    return sorted(found)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested deeper than Python can decode is a 400, not a 500,
    and so is a string holding NUL (`\u0000`), named by where it is: PostgreSQL can store
    NUL in no text or JSON column, and while DRF's CharFields refuse it, lookups (a slug, a
    locale code) and JSON fields (the body) would pass it to the database."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
        if paths := _nul_paths(data):
            raise ValidationError({path: [NUL_MESSAGE] for path in paths})
        return data
