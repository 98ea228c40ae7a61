"""Reads for accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import ApiKey, User


def user_list() -> QuerySet[User]:
    return User.objects.prefetch_related("groups").order_by("email")


def user_get(*, pk) -> User | None:
    return user_list().filter(pk=pk).first()


def api_key_list() -> QuerySet[ApiKey]:
    return ApiKey.objects.select_related("user", "created_by")
