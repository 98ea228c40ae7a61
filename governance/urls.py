"""Governance API, mounted under /api/v1/."""

from __future__ import annotations

from rest_framework.routers import SimpleRouter

from governance import views

router = SimpleRouter()
router.register("governance/audit-events", views.AuditEventViewSet, basename="audit-event")
router.register("webhooks", views.WebhookViewSet, basename="webhook")

urlpatterns = router.urls
