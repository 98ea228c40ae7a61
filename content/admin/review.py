"""Review on the change form: Reject with a comment, and panels other apps add.

Approve is a one-click transition (content.admin.transitions); Reject first asks for a
comment, which governance's workflows require and the author needs. Both are offered
only to a user who may decide now: `transitions.reviewer` runs the services' own check
(content.services.checks.review_check, which asks the review backend's `refusal`,
content.review), the one the service runs again on POST.

Panels: content does not know governance, so the change form asks the `admin_panels`
hook (content.hooks) for extra panels (policy checks, workflow state and comments) and
includes each one's template. A panel's own forms post to its app's admin views.
"""

from __future__ import annotations

from typing import Any

from content import hooks
from content.admin import transitions
from content.admin.forms import RejectForm
from content.models import PublishableCore
from content.services import lifecycle


def entry_panels(user: Any, entry: PublishableCore) -> list[dict[str, Any]]:
    """The panels receivers of `admin_panels` offer for `entry`, in connection order."""
    answers = hooks.admin_panels.send(sender=type(entry), entry=entry, user=user)
    return [panel for _receiver, panel in answers if panel]


class ReviewAdminMixin:
    """For EntryAdmin: the Reject view and the context of the review tools and panels."""

    def review_context(self, request, obj: PublishableCore) -> dict[str, Any]:
        can_reject = transitions.reviewer(request.user, obj, "reject")
        return {
            "folio_reject_url": self._url("reject", obj.pk) if can_reject else None,
            "folio_panels": entry_panels(request.user, obj),
        }

    def reject_view(self, request, object_id):
        obj = self._entry_or_404(request, object_id)
        form = RejectForm(request.POST or None)
        return self.form_tool(
            request,
            obj,
            form,
            lambda message: lifecycle.entry_reject(entry=obj, actor=request.user, message=message),
            lambda entry: f"“{entry}” was rejected; the author sees your comment.",
            title=f"Reject “{obj}”",
            intro="The changes go back to their author with your comment.",
            submit="Reject",
        )
