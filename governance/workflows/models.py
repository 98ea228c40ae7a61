"""Review workflows: ordered steps of approvals an item passes before it may be published.

A Workflow applies to what its scope covers: types, a section (a page subtree or a
category with its descendants) and a locale (content.scope).
Submitting an item starts a Submission pinned to the exact revision submitted; each
ReviewTask is one reviewer's decision on one step. Editing after submission means
submitting again: approval covers the pinned revision only. Review links let a person
without an account decide through a signed, expiring, revocable URL. Comments are
threaded per item. Transitions live in governance.workflows.services.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from accounts.roles import ROLE_NAMES
from content.models import ScopedModel

ROLE_CHOICES = [(name, name) for name in ROLE_NAMES]


class Workflow(ScopedModel):
    """What it covers is its scope (content.scope); an unassigned workflow (no part of the
    scope set) applies to nothing."""

    name = models.CharField(max_length=100, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("review_content", "Can approve or reject review steps"),
            ("bypass_workflow", "Can publish without an approved submission"),
        ]

    def __str__(self) -> str:
        return self.name


class WorkflowStep(models.Model):
    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=100, blank=True)
    role = models.CharField(
        max_length=30, choices=ROLE_CHOICES, blank=True, help_text="A role, or leave empty."
    )
    group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Or any group (for example a legal team).",
    )
    approvals_required = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["workflow", "order"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "order"], name="workflowstep_order"),
            models.CheckConstraint(
                condition=models.Q(approvals_required__gte=1), name="workflowstep_approvals_min"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workflow}: {self.order}. {self.name or self.group_name}"

    @property
    def group_name(self) -> str:
        """The group whose members act on this step (roles are groups too)."""
        return self.role or (self.group.name if self.group_id else "")


class SubmissionStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


class Submission(models.Model):
    """One request for review of one revision of one item."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    entry = GenericForeignKey("content_type", "object_id")
    revision = models.ForeignKey("content.Revision", on_delete=models.PROTECT, related_name="+")
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="submissions")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.IN_PROGRESS
    )
    current_step = models.ForeignKey(
        WorkflowStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "status"], name="submission_entry"),
            models.Index(fields=["status", "current_step"], name="submission_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id} r{self.revision.number}"


class Decision(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"


class ReviewTask(models.Model):
    """One reviewer's decision on one step of a submission."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="tasks")
    step = models.ForeignKey(WorkflowStep, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set instead of `reviewer` when an outside person decided through a review link.
    external_name = models.CharField(max_length=150, blank=True)
    review_link = models.ForeignKey(
        "governance.ReviewLink", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "step", "reviewer"],
                condition=models.Q(reviewer__isnull=False),
                name="reviewtask_one_per_reviewer",
            ),
            models.UniqueConstraint(
                fields=["review_link"],
                condition=models.Q(review_link__isnull=False),
                name="reviewtask_one_per_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_name}: {self.decision}"

    @property
    def reviewer_name(self) -> str:
        if self.reviewer_id:
            return str(self.reviewer)
        return f"{self.external_name} (outside reviewer)"


class Comment(models.Model):
    """A threaded comment on an item, from a user or an outside reviewer."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    entry = GenericForeignKey("content_type", "object_id")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    revision = models.ForeignKey(
        "content.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    external_name = models.CharField(max_length=150, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="comment_entry")]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"

    @property
    def author_name(self) -> str:
        if self.author_id:
            return str(self.author)
        return f"{self.external_name} (outside reviewer)" if self.external_name else "System"


class ReviewLink(models.Model):
    """A signed, expiring, revocable link through which an outside person reviews a draft.

    Only a SHA-256 hash of the token is stored; the URL is shown once, at creation.
    """

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="review_links"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    reviewer_email = models.EmailField(blank=True)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Review link #{self.pk} for {self.submission}"


class BypassTransition(models.TextChoices):
    PUBLISH = "publish", "Publish"
    SCHEDULE = "schedule", "Schedule"


class WorkflowBypass(models.Model):
    """A holder of `bypass_workflow` let one exact revision go live without an approved
    submission: at once (publish), or when its publish time comes (schedule). The
    scheduler, acting as the system, honours a schedule bypass for that revision only;
    an edit writes a new revision, which needs approval (or a bypass) again. Each one is
    also in the audit log as `workflow.bypass`."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    entry = GenericForeignKey("content_type", "object_id")
    revision = models.ForeignKey("content.Revision", on_delete=models.CASCADE, related_name="+")
    workflow = models.ForeignKey(
        Workflow, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    transition = models.CharField(max_length=10, choices=BypassTransition.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "workflow bypasses"
        indexes = [models.Index(fields=["content_type", "object_id"], name="bypass_entry")]

    def __str__(self) -> str:
        return f"{self.transition} bypass of {self.content_type.model} {self.object_id}"
