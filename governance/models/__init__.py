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
    BypassTransition,
    Comment,
    Decision,
    ReviewLink,
    ReviewTask,
    Submission,
    SubmissionStatus,
    Workflow,
    WorkflowBypass,
    WorkflowStep,
)

__all__ = [
    "AppendOnlyError",
    "AuditEvent",
    "BypassTransition",
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
    "WorkflowBypass",
    "WorkflowStep",
]
