"""core.vary.add_vary names the headers Django's patch_vary_headers names, in its order
(it leaves a header that already names them as it is, spacing included)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

from core.vary import add_vary


@pytest.mark.parametrize(
    "vary",
    [None, "", "Accept", "Accept, Origin", "accept,  origin", "*", "Accept-Encoding, X-Origin"],
)
@pytest.mark.parametrize("header", ["Origin", "Accept-Encoding"])
def test_the_same_vary_as_patch_vary_headers(vary, header):
    ours, theirs = HttpResponse(), HttpResponse()
    if vary is not None:
        ours["Vary"] = theirs["Vary"] = vary
    add_vary(ours, header)
    patch_vary_headers(theirs, (header,))
    assert _named(ours) == _named(theirs)
    assert header.lower() in [name.lower() for name in _named(ours)] or _named(ours) == ["*"]


def _named(response) -> list[str]:
    return [part.strip() for part in response.get("Vary", "").split(",") if part.strip()]
