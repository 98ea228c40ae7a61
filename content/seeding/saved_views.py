"""The demo's shared saved views, so editors find useful lists from the first login.

Made through the saved views service as the demo administrator, shared with the roles
that use them. Their filters read relative to the viewer and today (content.admin
.list_filters), so "My drafts" is each viewer's own drafts.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from accounts.roles import AUTHOR, EDITOR, REVIEWER
from content.models import Article, SavedView
from content.services.saved_views import saved_view_create

DEMO_VIEWS: tuple[dict[str, Any], ...] = (
    {
        "name": "My drafts",
        "model": Article,
        "query": "mine=1&status__exact=draft",
        "columns": ["title", "status_display", "category", "updated_at"],
        "roles": (AUTHOR, EDITOR),
    },
    {
        "name": "Reviews due this week",
        "model": Article,
        "query": "review=week",
        "columns": [],
        "roles": (EDITOR, REVIEWER),
    },
)


def demo_saved_views_create(
    *, owner: Any, views: tuple[dict[str, Any], ...] = DEMO_VIEWS
) -> list[SavedView]:
    """Create the views `owner` has not saved yet (by name); returns those created."""
    if owner is None:
        return []
    made = []
    for spec in views:
        opts = spec["model"]._meta
        if SavedView.objects.filter(
            owner=owner, app_label=opts.app_label, model_name=opts.model_name, name=spec["name"]
        ).exists():
            continue
        made.append(
            saved_view_create(
                owner=owner,
                app_label=opts.app_label,
                model_name=opts.model_name,
                name=spec["name"],
                query=spec["query"],
                columns=spec["columns"],
                roles=list(Group.objects.filter(name__in=spec["roles"])),
            )
        )
    return made
