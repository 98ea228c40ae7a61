"""The shape of an item's change form: tabs, and the header above them.

Tabs: Content, SEO and Scheduling hold the form's fieldsets (each fieldset names its tab
in its classes, "tab tab-<key>", unfold's convention plus the key); Governance holds the
panels other apps add and History the revision history, which carry forms of their own
and so sit outside the item's form. The "Save" fieldset (the revision message) is in no
tab: it goes with whichever form tab is open.

The header, always on top, says where the item stands (status, version, owner, next
review) and offers the actions the user may take now (content.admin.transitions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from content.models import PublishableCore


@dataclass(frozen=True)
class Tab:
    key: str
    title: str
    form: bool  # holds fieldsets of the item's form (else panels outside it)


TABS = (
    Tab("content", "Content", form=True),
    Tab("seo", "SEO", form=True),
    Tab("scheduling", "Scheduling", form=True),
    Tab("governance", "Governance", form=False),
    Tab("history", "History", form=False),
)
SEO_FIELDS = ["seo_title", "meta_description", "og_image"]


def in_tab(key: str, name: str, fields: list) -> tuple[str, dict[str, Any]]:
    """A fieldset shown in tab `key`."""
    return (name, {"classes": ["tab", f"tab-{key}"], "fields": fields})


def tab_of(fieldset) -> str | None:
    """The tab key a fieldset names in its classes (None: in no tab)."""
    for css in str(getattr(fieldset, "classes", "")).split():
        if css.startswith("tab-"):
            return css.removeprefix("tab-")
    return None


def standard_fieldsets(obj: PublishableCore | None, *, status: tuple[str, ...] = ()) -> list:
    """The SEO and Scheduling tabs and the Save fieldset every type shares; `status` adds
    read-only facts of the type's own to "Publishing" (a page's address)."""
    return [
        in_tab("seo", "Search and sharing", SEO_FIELDS),
        *(
            [in_tab("scheduling", "Publishing", ["live_info", *status, "publish_at", "expire_at"])]
            if obj is not None
            else []
        ),
        in_tab(
            "scheduling",
            "Ownership and review",
            [*(["owner"] if obj is not None else []), "next_review_at"],
        ),
        ("Save", {"fields": ["revision_message"]}),
    ]


@dataclass
class TabView:
    key: str
    title: str
    form: bool
    fieldsets: list = field(default_factory=list)
    errors: int = 0


def form_tabs(adminform, *, panels: bool) -> tuple[list[TabView], list, str]:
    """(the tabs to show, the fieldsets in no tab, the tab to open first: the first form
    tab with an error, else Content). Panel tabs are shown when `panels` (an existing item)."""
    views = {tab.key: TabView(tab.key, tab.title, tab.form) for tab in TABS}
    loose = []
    for fieldset in adminform:
        view = views.get(tab_of(fieldset) or "")
        if view is None:
            loose.append(fieldset)
            continue
        view.fieldsets.append(fieldset)
        view.errors += sum(1 for line in fieldset for f in line if not f.is_readonly and f.errors())
    shown = [v for v in views.values() if v.fieldsets or (panels and not v.form)]
    first = next((v.key for v in shown if v.errors), shown[0].key if shown else "")
    return shown, loose, first
