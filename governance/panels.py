"""Governance's panels on the content change form, and the admin views their forms post to.

Content's admin asks its `admin_panels` hook for panels (content.hooks); GovernanceConfig
connects the two receivers below. They only read (the policies' and workflows' selectors).
The views call the same services as the API and report refusals as admin messages, then
return to the item's change form:
- the policy-check panel: the stored results of the latest revision, every violation,
  "Check now" (policy_checks, as the API's `checks/`: a refused submit rolls its results
  back) and "Override" (override_policy + a reason → policy_override_create);
- the workflow panel: workflow, current step, approvals, who submitted, the decisions,
  and the threaded comments with a form to comment or reply (comment_create).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from content.types import entry_type, entry_type_for
from core.admin_services import SERVICE_ERRORS, report_refusal
from governance.models import Comment, SubmissionStatus
from governance.policies.selectors import policy_results_for
from governance.policies.services import (
    OVERRIDE_PERMISSION,
    policy_checks,
    policy_override_create,
    policy_override_for,
)
from governance.workflows.configuration import comment_create
from governance.workflows.selectors import workflow_state_for

COMMENT_PERMISSION = "governance.add_comment"
STATUS_LABELS = {
    "pass": "All applicable policies pass.",
    "warn": "Warnings only: nothing blocks submitting or publishing.",
    "block": "Blocked: the violations marked “block” stop submitting and publishing.",
    "overridden": "Blocking violations overridden for this revision.",
}
PARTLY_CHECKED_LABEL = "The policies checked so far pass."


def entry_change_url(app_label: str, model_name: str, object_id: Any) -> str:
    """The admin change form of an item, from what a generic relation stores."""
    return reverse(f"admin:{app_label}_{model_name}_change", args=[object_id])


def _entry_url(entry: Any, anchor: str) -> str:
    opts = entry._meta
    return entry_change_url(opts.app_label, opts.model_name, entry.pk) + anchor


def _panel_url(name: str, entry: Any) -> str:
    # The item's type by its registered API name ("article": its model's name).
    args = [entry_type_for(entry).api_name, entry.pk]
    return reverse(f"admin:governance_{name}_entry", args=args)


# --- Panels (receivers of content.hooks.admin_panels) -------------------------------------


def policy_panel(sender, *, entry, user, **kwargs) -> dict[str, Any]:
    checks = policy_results_for(entry)
    violations = [
        {"policy": row["policy"]["name"], "severity": row["policy"]["severity"], **violation}
        for row in checks["results"]
        if row["status"] != "pass"
        for violation in row["violations"]
    ]
    may_override = checks["status"] == "block" and user.has_perm(OVERRIDE_PERMISSION)
    label = STATUS_LABELS[checks["status"]]
    if checks["unchecked"] and checks["status"] == "pass":
        label = PARTLY_CHECKED_LABEL  # a policy added since the check may still fail
    return {
        "template": "admin/governance/panels/policies.html",
        "checks": checks,
        "status_label": label,
        "checked_at": max((row["checked_at"] for row in checks["results"]), default=None),
        "kind": entry._meta.verbose_name,
        "violations": violations,
        "passed": [row["policy"]["name"] for row in checks["results"] if row["status"] == "pass"],
        "override": policy_override_for(entry.latest_revision) if checks["override"] else None,
        "override_url": _panel_url("policyoverride", entry) if may_override else None,
        "check_url": _panel_url("policyresult", entry) if entry.latest_revision_id else None,
    }


def workflow_panel(sender, *, entry, user, **kwargs) -> dict[str, Any]:
    may_comment = user.has_perm(COMMENT_PERMISSION)
    state = workflow_state_for(entry, user)
    submission = state["submission"]
    return {
        "template": "admin/governance/panels/workflow.html",
        "state": state,
        "submission_status": submission and SubmissionStatus(submission["status"]).label,
        "comment_url": _panel_url("comment", entry) if may_comment else None,
    }


# --- The views the panels' forms post to --------------------------------------------------


def _entry_or_404(request, model_name: str, object_id: str) -> Any:
    """The item, as the content admin would show it to this user (`model_name`: its type's
    registered API name)."""
    try:
        model = entry_type(model_name).model
    except LookupError:
        raise Http404 from None
    model_admin = admin.site.get_model_admin(model)
    entry = model_admin.get_object(request, object_id)
    if entry is None or not model_admin.has_view_permission(request, entry):
        raise Http404
    return entry


@require_POST
def policy_check_view(request, model_name: str, object_id: str):
    """Evaluate the latest revision now and store the results the panel shows.

    The message only confirms the check: the outcome is the panel's to show, read back
    from what this check stored, so the page states it once.
    """
    entry = _entry_or_404(request, model_name, object_id)
    checks = policy_checks(entry=entry)
    if checks["revision"] is None:
        messages.warning(request, f"“{entry}”: no revision to check yet.")
    else:
        messages.success(
            request,
            f"“{entry}”: revision {checks['revision']} checked just now; "
            "the outcome is under Policy checks.",
        )
    return HttpResponseRedirect(_entry_url(entry, "#policy-checks"))


@require_POST
def policy_override_view(request, model_name: str, object_id: str):
    """Override the latest revision's blocking policies, with the reason posted."""
    entry = _entry_or_404(request, model_name, object_id)
    try:
        override = policy_override_create(
            entry=entry, actor=request.user, reason=request.POST.get("reason", "")
        )
    except SERVICE_ERRORS as exc:
        report_refusal(request, exc, prefix="Override refused: ")
    else:
        number = override.revision.number
        messages.success(
            request,
            f"“{entry}”: blocking policies overridden for revision {number} (audited).",
        )
    return HttpResponseRedirect(_entry_url(entry, "#policy-checks"))


class CommentPanelForm(forms.Form):
    # The service refuses an empty body with its own message.
    body = forms.CharField(required=False, max_length=5000)
    parent = forms.ModelChoiceField(queryset=Comment.objects.all(), required=False)


@require_POST
def comment_add_view(request, model_name: str, object_id: str):
    """Add a comment on the item, or a reply to one of its comments."""
    entry = _entry_or_404(request, model_name, object_id)
    form = CommentPanelForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"Comment not added: {field}: {error}")
        return HttpResponseRedirect(_entry_url(entry, "#workflow"))
    try:
        comment = comment_create(entry=entry, actor=request.user, **form.cleaned_data)
    except SERVICE_ERRORS as exc:
        report_refusal(request, exc, prefix="Comment not added: ")
        return HttpResponseRedirect(_entry_url(entry, "#workflow"))
    messages.success(request, "Your reply was added." if comment.parent_id else "Comment added.")
    return HttpResponseRedirect(_entry_url(entry, f"#comment-{comment.pk}"))


def entry_urls(admin_site, name: str, view) -> list:
    """The URL `admin:governance_<name>_entry` (<model>/<id>/) for a ModelAdmin's get_urls."""
    route = "entry/<str:model_name>/<path:object_id>/"
    return [path(route, admin_site.admin_view(view), name=f"governance_{name}_entry")]
