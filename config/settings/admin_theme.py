"""The editors' admin: django-unfold's theme, Folio's brand and the sidebar.

base.py takes this module whole. Values unfold calls per request are dotted paths (or
callables taking the request), read when a page is drawn, not at import.
"""

from __future__ import annotations

from django.templatetags.static import static


def _static(path: str):
    return lambda request: static(path)


# Folio's ink blue, from a pale tint (50) to near black (950), in unfold's oklch form.
FOLIO_PRIMARY = {
    "50": "oklch(97.4% .012 255)",
    "100": "oklch(94.4% .028 255)",
    "200": "oklch(89.4% .055 256)",
    "300": "oklch(81.8% .095 257)",
    "400": "oklch(70.6% .145 259)",
    "500": "oklch(61.2% .18 261)",
    "600": "oklch(53.4% .195 263)",
    "700": "oklch(46.6% .175 264)",
    "800": "oklch(40.2% .145 265)",
    "900": "oklch(34.4% .115 266)",
    "950": "oklch(25.6% .085 267)",
}

UNFOLD = {
    "SITE_TITLE": "Folio",
    "SITE_HEADER": "Folio",
    "SITE_SUBHEADER": "Editors' admin",
    "SITE_SYMBOL": "auto_stories",
    "SITE_ICON": _static("folio/admin/mark.svg"),
    "SITE_FAVICONS": [
        {"rel": "icon", "type": "image/svg+xml", "href": _static("folio/admin/mark.svg")},
    ],
    # "View site": the frontend of the default locale, else Folio's own page at /.
    "SITE_URL": "content.frontend.site_url",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": True,
    "BORDER_RADIUS": "8px",
    "COLORS": {"primary": FOLIO_PRIMARY},
    "STYLES": [_static("folio/admin/theme.css")],
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": "core.admin_nav.sidebar_navigation",
    },
}
