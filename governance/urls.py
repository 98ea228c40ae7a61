"""Governance API, mounted under /api/v1/."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from content.types import entry_types
from governance import policy_api, views, views_reports, views_workflows

router = SimpleRouter()
router.register("governance/audit-events", views.AuditEventViewSet, basename="audit-event")
router.register("webhooks", views.WebhookViewSet, basename="webhook")
router.register("governance/policies", policy_api.ContentPolicyViewSet, basename="policy")
router.register("governance/tasks", views_workflows.ReviewQueueViewSet, basename="governance-task")
router.register(
    "governance/workflows", views_workflows.WorkflowViewSet, basename="governance-workflow"
)
router.register(
    "governance/comments", views_workflows.CommentViewSet, basename="governance-comment"
)
router.register(
    "governance/review-links", views_workflows.ReviewLinkViewSet, basename="review-link-api"
)

urlpatterns = [
    *router.urls,
    path("governance/reports/", views_reports.ReportIndexView.as_view(), name="governance-reports"),
    path(
        "governance/reports/<slug:name>/",
        views_reports.ReportView.as_view(),
        name="governance-report",
    ),
]

# `{id}/checks/` of every registered type (content's URL space; governance's code, see
# policy_api), named `<api_name>-checks` and `<api_name>-checks-override`.
for _type in entry_types():
    _viewset = policy_api.entry_checks_viewset(_type)
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
