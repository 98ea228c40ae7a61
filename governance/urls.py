"""Governance API, mounted under /api/v1/: each subdomain's views, on one router."""

from __future__ import annotations

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from content.runtime.schema import per_runtime_type
from content.types import entry_types
from content.views.runtime_entries import API_ID
from governance.audit import views as audit_views
from governance.policies import views as policy_views
from governance.reports import views as report_views
from governance.webhooks import views as webhook_views
from governance.workflows import views as workflow_views

router = SimpleRouter()
router.register("governance/audit-events", audit_views.AuditEventViewSet, basename="audit-event")
router.register("webhooks", webhook_views.WebhookViewSet, basename="webhook")
router.register("governance/policies", policy_views.ContentPolicyViewSet, basename="policy")
router.register("governance/tasks", workflow_views.ReviewQueueViewSet, basename="governance-task")
router.register(
    "governance/workflows", workflow_views.WorkflowViewSet, basename="governance-workflow"
)
router.register("governance/comments", workflow_views.CommentViewSet, basename="governance-comment")
router.register(
    "governance/review-links", workflow_views.ReviewLinkViewSet, basename="review-link-api"
)

urlpatterns = [
    *router.urls,
    path("governance/reports/", report_views.ReportIndexView.as_view(), name="governance-reports"),
    path(
        "governance/reports/<slug:name>/",
        report_views.ReportView.as_view(),
        name="governance-report",
    ),
]

# `{id}/checks/` of every registered type (content's URL space; governance's code, see
# governance/policies/views.py), named `<api_name>-checks` and `<api_name>-checks-override`.
for _type in entry_types():
    if _type.runtime:  # routed per request under entries/<api_id>/, not by name here
        continue
    _viewset = policy_views.entry_checks_viewset(_type)
    urlpatterns += [
        path(
            f"{_type.plural}/<int:pk>/checks/",
            _viewset.as_view({"get": "retrieve"}),
            name=f"{_type.api_name}-checks",
        ),
        path(
            f"{_type.plural}/<int:pk>/checks/override/",
            _viewset.as_view({"post": "override"}),
            name=f"{_type.api_name}-checks-override",
        ),
    ]

# Every runtime type's, on one route pair: the api_id is resolved per request.
_runtime = policy_views.RuntimeEntryChecksViewSet
urlpatterns += [
    re_path(
        rf"^entries/(?P<api_id>{API_ID})/(?P<pk>[0-9]+)/checks/$",
        _runtime.as_view({"get": "retrieve"}),
        name="runtime-entry-checks",
    ),
    re_path(
        rf"^entries/(?P<api_id>{API_ID})/(?P<pk>[0-9]+)/checks/override/$",
        _runtime.as_view({"post": "override"}),
        name="runtime-entry-checks-override",
    ),
]
# The schema shows those routes once per type (entries/concert/{id}/checks/, ...).
per_runtime_type(_runtime, policy_views.typed_checks_viewset)
