"""Required fields and length limits."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from content.types import entry_types
from governance.policies.kinds.base import Violation, params_dict, string_list

# Fields a policy may name: what a revision snapshot holds for articles and pages.
CHECKABLE_FIELDS = (
    "title",
    "slug",
    "summary",
    "body",
    "seo_title",
    "meta_description",
    "og_image",
    "cover_image",
    "category",
    "tags",
    "authors",
)
TEXT_LENGTH_FIELDS = ("title", "slug", "summary", "seo_title", "meta_description")


def _is_empty(value: Any) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value in (None, [], {})


def checkable_fields() -> tuple[str, ...]:
    """The fields a policy may name: the core and code types' ones, then every registered
    type's own fields (a runtime type's, by api_id), as registered now."""
    own = [name for t in entry_types() for name in t.behaviour.own_fields()]
    return tuple(dict.fromkeys([*CHECKABLE_FIELDS, *own]))


def required_fields_params(params: Any) -> dict:
    params = params_dict(params, {"fields"})
    fields = string_list(params, "fields", required=True)
    known = checkable_fields()
    unknown = sorted(set(fields) - set(known))
    if unknown:
        raise ValidationError(
            {"params": [f"Unknown field(s): {', '.join(unknown)}. Use: {', '.join(known)}."]}
        )
    return {"fields": fields}


def required_fields(snapshot: dict, params: dict) -> list[Violation]:
    """Each listed field is filled in; fields the type lacks (a page's summary, another
    type's own field) are skipped."""
    return [
        Violation(name, "required_fields", f"{name.replace('_', ' ').capitalize()} is required.")
        for name in params["fields"]
        if name in snapshot and _is_empty(snapshot[name])
    ]


def length_limits_params(params: Any) -> dict:
    params = params_dict(params, set(TEXT_LENGTH_FIELDS))
    if not params:
        raise ValidationError({"params": ['Give at least one field, e.g. {"title": {"max": 70}}.']})
    for name, limits in params.items():
        if not isinstance(limits, dict) or not limits or set(limits) - {"min", "max"}:
            raise ValidationError(
                {"params": [f"`{name}` must be an object with `min` and/or `max`."]}
            )
        for key, value in limits.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValidationError({"params": [f"`{name}.{key}` must be a whole number ≥ 0."]})
        if "min" in limits and "max" in limits and limits["min"] > limits["max"]:
            raise ValidationError({"params": [f"`{name}.min` is greater than `{name}.max`."]})
    return params


def length_limits(snapshot: dict, params: dict) -> list[Violation]:
    """Each listed text field stays within its `min` / `max` characters."""
    violations = []
    for name, limits in params.items():
        if name not in snapshot:
            continue
        length = len((snapshot.get(name) or "").strip())
        label = name.replace("_", " ").capitalize()
        if "min" in limits and length < limits["min"]:
            violations.append(
                Violation(
                    name,
                    "length_limits",
                    f"{label} has {length} characters; at least {limits['min']} are required.",
                )
            )
        if "max" in limits and length > limits["max"]:
            violations.append(
                Violation(
                    name,
                    "length_limits",
                    f"{label} has {length} characters; at most {limits['max']} are allowed.",
                )
            )
    return violations
