"""The admin's sidebar, grouped by what an editor came to do (UNFOLD["SIDEBAR"]["navigation"]
names `sidebar_navigation`, which django-unfold calls on every admin page).

Each ModelAdmin says where it belongs with two attributes, so an admin registered later
(a type defined as data, registered when the runtime registry reloads) lands in the right
group without this module knowing it:

    nav_section = "content"   # one of SECTIONS' keys; None keeps it out of the sidebar
    nav_icon = "article"      # a Material Symbols name
    nav_order = 10            # within the section; then by name

An item is listed only when the user may view the model (`has_view_permission`), and a
group with nothing to show is left out. Pages that are not a model's changelist (the
governance dashboard, saved views...) come from providers: `register_items(section,
provider)`, where `provider(request)` returns the items the user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst

NavItem = dict[str, Any]  # unfold's item: {"title", "icon", "link", ...}
NavProvider = Callable[[HttpRequest], list[NavItem]]


@dataclass(frozen=True)
class Section:
    key: str
    title: str | None


OVERVIEW = "overview"
SECTIONS = (
    Section(OVERVIEW, None),  # the dashboards, untitled at the top
    Section("content", "Content"),
    Section("media", "Media"),
    Section("review", "Review"),
    Section("governance", "Governance"),
    Section("settings", "Settings"),
)
DEFAULT_ORDER = 100

_providers: dict[tuple[str, str], tuple[str, NavProvider]] = {}


def register_items(section: str, provider: NavProvider) -> None:
    """Add `provider(request)`'s items to `section`: a key of SECTIONS, or the title of a
    group of its own, shown after the built-in ones (e.g. "Saved views"). Registering the
    same provider again replaces it (modules may be imported twice)."""
    key = (section, f"{provider.__module__}.{provider.__qualname__}")
    _providers[key] = (section, provider)


def model_items(request: HttpRequest, site: admin.AdminSite) -> dict[str, list[NavItem]]:
    """The changelists the user may view, by section, in nav_order then name."""
    found: dict[str, list[tuple[int, str, NavItem]]] = {}
    # A copy: another thread may be re-registering runtime types' admins meanwhile.
    for model, model_admin in list(site._registry.items()):
        section = getattr(model_admin, "nav_section", None)
        if section is None or not model_admin.has_view_permission(request):
            continue
        opts = model._meta
        try:
            link = reverse(f"{site.name}:{opts.app_label}_{opts.model_name}_changelist")
        except NoReverseMatch:  # a type registered after the URLconf was read
            continue
        title = capfirst(opts.verbose_name_plural)
        item = {"title": title, "icon": getattr(model_admin, "nav_icon", None), "link": link}
        order = getattr(model_admin, "nav_order", DEFAULT_ORDER)
        found.setdefault(section, []).append((order, str(title), item))
    return {
        section: [item for *_, item in sorted(rows, key=lambda row: row[:2])]
        for section, rows in found.items()
    }


def sidebar_navigation(request: HttpRequest) -> list[dict[str, Any]]:
    """unfold's navigation groups for this user: the sections, then the extra groups."""
    items = model_items(request, admin.site)
    items.setdefault(OVERVIEW, []).insert(
        0, {"title": "Dashboard", "icon": "space_dashboard", "link": reverse("admin:index")}
    )
    for section, provider in _providers.values():
        items.setdefault(section, []).extend(provider(request))
    known = [section.key for section in SECTIONS]
    titles = {section.key: section.title for section in SECTIONS}
    extra = [key for key in items if key not in known]
    return [
        {"title": titles.get(key, key), "separator": key != OVERVIEW, "items": items[key]}
        for key in [*known, *extra]
        if items.get(key)
    ]
