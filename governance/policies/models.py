"""Content policies: configurable rules checked before submit and publish.

ContentPolicy holds a rule kind (governance.policies.kinds registers one check per kind),
its parameters, a severity and a scope (content.scope). PolicyResult stores one
policy's verdict on one revision (revisions are immutable, so a verdict stays true for
that content).
PolicyOverride records that someone holding `override_policy` let one exact revision
through despite blocking violations, and why. ExternalLinkCheck is the last known state
of an outbound URL, written by a Celery task so that checks never wait on the network,
and re-checked periodically while current content uses it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from content.models import ScopedModel


class PolicyKind(models.TextChoices):
    REQUIRED_FIELDS = "required_fields", "Required fields"
    LENGTH_LIMITS = "length_limits", "Length limits"
    BANNED_TERMS = "banned_terms", "Banned terms"
    IMAGE_ALT_TEXT = "image_alt_text", "Alt text on every image"
    HEADING_ORDER = "heading_order", "Heading order"
    PERSONAL_DATA = "personal_data", "Personal data"
    BROKEN_INTERNAL_LINKS = "broken_internal_links", "Broken internal links"
    EXTERNAL_LINKS = "external_links", "External links"
    READABILITY = "readability", "Readability"


class PolicySeverity(models.TextChoices):
    BLOCK = "block", "Block"
    WARN = "warn", "Warn"


class ContentPolicy(ScopedModel):
    """A rule of one kind over the entries its scope covers (content.scope; empty: all)."""

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=32, choices=PolicyKind.choices)
    # Validated per kind by governance.policies.params_clean (services, API and admin).
    params = models.JSONField(default=dict, blank=True)
    severity = models.CharField(
        max_length=8, choices=PolicySeverity.choices, default=PolicySeverity.BLOCK
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "content policy"
        verbose_name_plural = "content policies"
        permissions = [
            ("override_policy", "Can publish or submit despite blocking policy violations"),
        ]
        indexes = [models.Index(fields=["is_active", "kind"], name="policy_active_kind")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()}, {self.severity})"


class PolicyResult(models.Model):
    revision = models.ForeignKey(
        "content.Revision", on_delete=models.CASCADE, related_name="policy_results"
    )
    policy = models.ForeignKey(ContentPolicy, on_delete=models.CASCADE, related_name="results")
    passed = models.BooleanField()
    # [{"field", "rule", "message"}, ...]
    violations = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["revision", "policy"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "policy"], name="policy_result_unique")
        ]
        indexes = [models.Index(fields=["passed", "-checked_at"], name="policy_result_passed")]

    def __str__(self) -> str:
        return f"{self.policy} on {self.revision}: {'passed' if self.passed else 'failed'}"


class PolicyOverride(models.Model):
    revision = models.ForeignKey(
        "content.Revision", on_delete=models.CASCADE, related_name="policy_overrides"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField()
    # The blocking violations the override let through, as they were at the time.
    violations = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Override of {self.revision} by {self.actor_id}"


class ExternalLinkCheck(models.Model):
    url = models.URLField(max_length=2000)
    url_hash = models.CharField(max_length=64, unique=True)  # sha256: URLs are too long to index
    ok = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    checked_at = models.DateTimeField()
    # Revisions whose body holds this link: the periodic re-check fetches only links that
    # current content uses, and refreshes those revisions' results when the outcome changes.
    revisions = models.ManyToManyField(
        "content.Revision", blank=True, related_name="external_link_checks"
    )

    class Meta:
        ordering = ["-checked_at"]
        indexes = [models.Index(fields=["checked_at"], name="link_check_checked_at")]

    def __str__(self) -> str:
        return f"{self.url}: {'ok' if self.ok else 'broken'}"
