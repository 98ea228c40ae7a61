"""Governance models, split by subdomain. Import from here."""

from __future__ import annotations

from governance.audit.models import AppendOnlyError, AuditEvent
from governance.policies.models import (
    ContentPolicy,
    ExternalLinkCheck,
    PolicyKind,
    PolicyOverride,
    PolicyResult,
    PolicySeverity,
)
from governance.webhooks.models import (
    DeliveryStatus,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
)
from governance.workflows.models import (
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
