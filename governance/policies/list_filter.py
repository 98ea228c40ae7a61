""" "Policy checks" on every type's changelist: items whose latest revision failed a content
policy when it was last checked (results are stored per revision on submit, publish,
schedule and "Check now"). Added to content's lists through content's filter hook."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef

from governance.policies.models import PolicyResult, PolicySeverity

PARAMETER = "policy_check"


class PolicyCheckFilter(admin.SimpleListFilter):
    title = "policy checks"
    parameter_name = PARAMETER

    def lookups(self, request, model_admin):
        return [("blocking", "Blocking violations"), ("any", "Any violation")]

    def queryset(self, request, queryset):
        failed = PolicyResult.objects.filter(revision=OuterRef("latest_revision"), passed=False)
        if self.value() == "blocking":
            return queryset.filter(Exists(failed.filter(policy__severity=PolicySeverity.BLOCK)))
        if self.value() == "any":
            return queryset.filter(Exists(failed))
        return queryset
