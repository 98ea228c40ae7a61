"""Governance in the admin: each subdomain registers its own ModelAdmins, and the
governance dashboard is listed at the top of the sidebar (core.admin_nav)."""

from __future__ import annotations

from django.urls import reverse

from core import admin_nav
from governance.audit import admin as audit_admin
from governance.policies import admin as policies_admin
from governance.webhooks import admin as webhooks_admin
from governance.workflows import admin as workflows_admin

# Imported for their registrations (the admin autodiscovers only governance.admin).
__all__ = ["audit_admin", "policies_admin", "webhooks_admin", "workflows_admin"]


def dashboard_nav_items(request) -> list[dict]:
    """The governance dashboard: every admin user may open it (it shows what they may view)."""
    link = reverse("governance-dashboard")
    return [{"title": "Governance dashboard", "icon": "monitoring", "link": link}]


admin_nav.register_items(admin_nav.OVERVIEW, dashboard_nav_items)
