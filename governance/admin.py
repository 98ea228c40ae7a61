"""Governance in the admin: each subdomain registers its own ModelAdmins."""

from __future__ import annotations

from governance.audit import admin as audit_admin
from governance.policies import admin as policies_admin
from governance.webhooks import admin as webhooks_admin
from governance.workflows import admin as workflows_admin

# Imported for their registrations (the admin autodiscovers only governance.admin).
__all__ = ["audit_admin", "policies_admin", "webhooks_admin", "workflows_admin"]
