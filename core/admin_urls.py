"""Admin URLs that may not exist: a model with no admin, or a runtime type registered after
the URLconf was read, has no route, and the page links nothing rather than failing."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse


def admin_url(app_label: str, model_name: str, view: str, *args: Any) -> str | None:
    """The admin's `view` ("changelist", "change", …) of a model, or None without a route."""
    try:
        return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def model_admin_url(model: Any, view: str, *args: Any) -> str | None:
    """admin_url for a model class or instance."""
    opts = model._meta
    return admin_url(opts.app_label, opts.model_name, view, *args)
