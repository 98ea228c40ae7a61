"""Changelist filters that read relative to who is looking and when, so a saved view
("My drafts", "Reviews due this week") means the same thing to everyone it is shared
with, on any day; and the hook through which other apps add filters to every type's list
(governance adds "Policy checks")."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

_extra: list[type[admin.ListFilter]] = []


def register_list_filter(filter_class: type[admin.ListFilter]) -> None:
    """Add a filter to every publishable type's changelist (once, however often called)."""
    if filter_class not in _extra:
        _extra.append(filter_class)


def extra_list_filters() -> list[type[admin.ListFilter]]:
    return list(_extra)


class MineFilter(admin.SimpleListFilter):
    title = "ownership"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", "Owned by me")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(owner=request.user)
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    """By `next_review_at`, counted from now; "due within a week" includes the overdue."""

    title = "review due"
    parameter_name = "review"
    DAYS = {"overdue": 0, "week": 7, "month": 30}

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("week", "Within a week"),
            ("month", "Within 30 days"),
        ]

    def queryset(self, request, queryset):
        days = self.DAYS.get(self.value() or "")
        if days is None:
            return queryset
        return queryset.filter(next_review_at__lt=timezone.now() + timedelta(days=days))
