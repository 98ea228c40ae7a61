"""Addresses: the proxies whose forwarded headers are believed, Folio's own address, the
frontend's, and the links derived from them. base.py takes them all
(`from .addresses import *`)."""

from __future__ import annotations

import ipaddress
import re
import string

from django.core.exceptions import ImproperlyConfigured

from .environment import env

# --- Proxies ---------------------------------------------------------------------------
# The proxies whose X-Forwarded-For is believed (core.client_address): addresses or
# networks, comma-separated, "*" for any peer. The same variable tells gunicorn whose
# X-Forwarded-Proto to believe, so both agree. Blank: clients connect directly.
TRUSTED_PROXIES = [p.strip() for p in env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1"])]
TRUSTED_PROXIES = [p for p in TRUSTED_PROXIES if p]
for _proxy in TRUSTED_PROXIES:
    if _proxy != "*":
        try:
            ipaddress.ip_network(_proxy, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"FORWARDED_ALLOW_IPS: {_proxy!r} is not an address or a network."
            ) from None

# --- Addresses -------------------------------------------------------------------------


def base_url(name: str, value: str) -> str:
    """An absolute http(s) base URL without its trailing slash, or "" for none."""
    value = value.strip().rstrip("/")
    if value and not re.fullmatch(r"https?://[^/?#\s]+(/[^?#\s]*)?", value):
        raise ImproperlyConfigured(
            f"{name} must be an absolute http(s) URL such as https://www.example.com; "
            f"got {value!r}."
        )
    return value


# The port `make run` serves on (Procfile.dev); Folio's own address derives from it, and
# the links Folio sends (the admin in emails) from that.
FOLIO_PORT = env.int("FOLIO_PORT", default=8000)
FOLIO_BASE_URL = base_url(
    "FOLIO_BASE_URL",
    env.str("FOLIO_BASE_URL", default="").strip() or f"http://127.0.0.1:{FOLIO_PORT}",
)
# The public site that renders the content (content.frontend): the sitemap, the feed, the
# delivery `url` and "View on site" put paths on it. Locales served elsewhere override it:
# FRONTEND_BASE_URLS=fr=https://fr.example.com,de=https://www.example.de. Unset, public
# addresses stay paths and the admin's "View site" opens Folio's own page at /.
FRONTEND_BASE_URL = base_url("FRONTEND_BASE_URL", env.str("FRONTEND_BASE_URL", default=""))
FRONTEND_BASE_URLS = {}
for _entry in env.list("FRONTEND_BASE_URLS", default=[]):
    _locale, _sep, _url = _entry.partition("=")
    if not (_sep and _locale.strip()):
        raise ImproperlyConfigured(f"FRONTEND_BASE_URLS takes locale=url pairs; got {_entry!r}.")
    FRONTEND_BASE_URLS[_locale.strip()] = base_url(f"FRONTEND_BASE_URLS ({_locale})", _url)
# What a preview address may name (content.frontend.preview_url); {token} is required.
PREVIEW_PLACEHOLDERS = ("token", "type", "slug", "locale", "id")
# What a release preview address may name (content.services.release_preview).
RELEASE_PREVIEW_PLACEHOLDERS = ("token", "release")


def preview_template(
    value: str, name: str = "FRONTEND_PREVIEW_URL", placeholders: tuple[str, ...] = ()
) -> str:
    """A preview address checked: an absolute http(s) URL or a path, naming only
    `placeholders` (PREVIEW_PLACEHOLDERS by default; in its path or query: the frame's origin
    must be known), {token} among them."""
    placeholders = placeholders or PREVIEW_PLACEHOLDERS
    value = value.strip()
    if not value:
        return value
    known = ", ".join(f"{{{p}}}" for p in placeholders)
    try:
        parts = [(field, conv, spec) for _, field, spec, conv in string.Formatter().parse(value)]
    except ValueError as exc:  # a lone { or }
        raise ImproperlyConfigured(
            f"{name}: {exc} (write a literal brace as {{{{ or }}}})."
        ) from None
    names = [field for field, _, _ in parts if field is not None]
    unknown = sorted({field for field in names if field not in placeholders})
    if unknown:
        shown = ", ".join(f"{{{field}}}" for field in unknown)
        raise ImproperlyConfigured(
            f"{name}: unknown placeholder {shown} in {value!r}; it may hold {known}."
        )
    if any(conv or spec for field, conv, spec in parts if field is not None):
        raise ImproperlyConfigured(f"{name}: write placeholders plainly ({known}); got {value!r}.")
    if "token" not in names:
        raise ImproperlyConfigured(f"{name} must hold {{token}}, where the token goes.")
    if not value.startswith("/") and not re.fullmatch(r"https?://[^/?#\s{}]+([/?#]\S*)?", value):
        raise ImproperlyConfigured(
            f"{name} must be an absolute http(s) URL with placeholders only after "
            f"its host (https://www.example.com/api/preview?token={{token}}), or a path; got "
            f"{value!r}."
        )
    return value


# The frontend page that shows a draft, with {token} where the signed preview token goes,
# and optionally {type}, {slug}, {locale} and {id} of the item: absolute, or a path on the
# item's frontend. The admin's preview panel frames it. Unset: the delivery API's preview
# JSON, and the panel shows Folio's own rendering. CONTENT_PREVIEW_URL is its former name.
FRONTEND_PREVIEW_URL = preview_template(
    env.str("FRONTEND_PREVIEW_URL", default=env.str("CONTENT_PREVIEW_URL", default=""))
)
# The frontend page that turns a release preview on (it keeps the token, then sends it to
# delivery with every request), with {token} and optionally {release} (its id): absolute, or
# a path on the default locale's frontend. The release's admin page links to it. Unset:
# the page shows the token and delivery URLs only.
FRONTEND_RELEASE_PREVIEW_URL = preview_template(
    env.str("FRONTEND_RELEASE_PREVIEW_URL", default=""),
    "FRONTEND_RELEASE_PREVIEW_URL",
    RELEASE_PREVIEW_PLACEHOLDERS,
)

# Links in emails (the overdue-review digest) open the admin here.
FOLIO_ADMIN_URL = env.str("FOLIO_ADMIN_URL", default=f"{FOLIO_BASE_URL}/admin/")
