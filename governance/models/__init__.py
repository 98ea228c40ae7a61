"""Governance models, split by subdomain. Import from here."""

from __future__ import annotations

from governance.models.audit import AppendOnlyError, AuditEvent
from governance.models.policies import (
    ContentPolicy,
    ExternalLinkCheck,
    PolicyKind,
    PolicyOverride,
    PolicyResult,
    PolicySeverity,
)
from governance.models.webhooks import (
    DeliveryStatus,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)
from governance.models.workflows import (
    Comment,
    Decision,
    ReviewLink,
    ReviewTask,
    Submission,
    SubmissionStatus,
    Workflow,
    WorkflowStep,
)

__all__ = [
    "AppendOnlyError",
    "AuditEvent",
    "Comment",
    "ContentPolicy",
    "Decision",
    "DeliveryStatus",
    "ExternalLinkCheck",
    "PolicyKind",
    "PolicyOverride",
    "PolicyResult",
    "PolicySeverity",
    "ReviewLink",
    "ReviewTask",
    "Submission",
    "SubmissionStatus",
    "Webhook",
    "WebhookDelivery",
    "WebhookEvent",
    "Workflow",
    "WorkflowStep",
]
