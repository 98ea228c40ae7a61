"""RoleGrant: a role held within a section (content.scope), by one user or one group."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accounts.roles import GRANTABLE_ROLES
from content.models.scope import ScopedModel


class RoleGrant(ScopedModel):
    """`role`'s rights on the items its scope covers (content.permissions reads them);
    exactly one of `user` and `group` holds it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_grants",
    )
    group = models.ForeignKey(
        "auth.Group",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_grants",
    )
    role = models.CharField(max_length=20, choices=[(r, r) for r in GRANTABLE_ROLES])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, group__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=False)
                ),
                name="rolegrant_user_or_group",
            )
        ]

    def __str__(self) -> str:
        holder = self.user if self.user_id else self.group
        return f"{self.role} for {holder}"
