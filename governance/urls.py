"""Governance API, mounted under /api/v1/: each subdomain's views, on one router."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

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

# `{id}/checks/` of articles and pages (content's URL space; governance's code, see
# governance/policies/views.py).
for _prefix, _viewset in (
    ("articles", policy_views.ArticleChecksViewSet),
    ("pages", policy_views.PageChecksViewSet),
):
    urlpatterns += [
        path(
            f"{_prefix}/<int:pk>/checks/",
            _viewset.as_view({"get": "retrieve"}),
            name=f"{_prefix[:-1]}-checks",
        ),
        path(
            f"{_prefix}/<int:pk>/checks/override/",
            _viewset.as_view({"post": "override"}),
            name=f"{_prefix[:-1]}-checks-override",
        ),
    ]
