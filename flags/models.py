"""Folio's Flag: waffle's, plus `public` (listed at delivery/flags/ for frontends) and
percentages decided on a stable identity (flags.audience) rather than chance and a cookie.

It replaces waffle's own (WAFFLE_FLAG_MODEL, as waffle's docs describe), so everything
waffle offers (flag_is_active, the template tags, the commands) reads it. Switches and
samples are waffle's models as they are.
"""

from __future__ import annotations

from django.db import models
from waffle.models import AbstractBaseFlag, AbstractUserFlag

from flags.audience import in_rollout, rollout_identity


class Flag(AbstractUserFlag):
    public = models.BooleanField(
        default=False,
        help_text=(
            "Listed at /api/v1/delivery/flags/, with its state for the visitor asking. "
            "Anyone can read a public flag's name: leave internal flags private."
        ),
    )

    class Meta(AbstractUserFlag.Meta):
        verbose_name = "flag"
        verbose_name_plural = "flags"

    def is_active_for_user(self, user):
        if not user.is_authenticated:
            # An anonymous visitor is in no user list or group: skip the two cache reads.
            return AbstractBaseFlag.is_active_for_user(self, user)
        return super().is_active_for_user(user)

    def _is_active_for_percent(self, request, read_only: bool) -> bool | None:
        if not self.percent or self.percent <= 0:
            return None
        identity = rollout_identity(request)
        if identity is None:
            return None  # no one to decide on: outside the rollout
        return in_rollout(self.name, identity, self.percent)
