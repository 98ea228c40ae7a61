"""The built-in policy rules, one small module per concern, and the registry.

`RULES[kind]` is a Rule: `check(snapshot, params) -> list[Violation]` and
`clean_params(params) -> params`, which raises ValidationError({"params": [...]}) on
bad parameters. Services, the API and the admin all validate through `params_clean`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from governance.policies.kinds import (
    fields,
    headings,
    images,
    links,
    personal_data,
    readability,
    terms,
)
from governance.policies.kinds.base import Violation
from governance.policies.models import PolicyKind


@dataclass(frozen=True)
class Rule:
    check: Callable[[dict, dict], list[Violation]]
    clean_params: Callable[[Any], dict]


RULES: dict[str, Rule] = {
    PolicyKind.REQUIRED_FIELDS: Rule(fields.required_fields, fields.required_fields_params),
    PolicyKind.LENGTH_LIMITS: Rule(fields.length_limits, fields.length_limits_params),
    PolicyKind.BANNED_TERMS: Rule(terms.banned_terms, terms.banned_terms_params),
    PolicyKind.IMAGE_ALT_TEXT: Rule(images.image_alt_text, images.image_alt_text_params),
    PolicyKind.HEADING_ORDER: Rule(headings.heading_order, headings.heading_order_params),
    PolicyKind.PERSONAL_DATA: Rule(personal_data.personal_data, personal_data.personal_data_params),
    PolicyKind.BROKEN_INTERNAL_LINKS: Rule(
        links.broken_internal_links, links.broken_internal_links_params
    ),
    PolicyKind.EXTERNAL_LINKS: Rule(links.external_links, links.external_links_params),
    PolicyKind.READABILITY: Rule(readability.readability, readability.readability_params),
}


def params_clean(kind: str, params: Any) -> dict:
    """Validate `params` for `kind`; returns them with defaults filled in."""
    rule = RULES.get(kind)
    if rule is None:
        raise ValidationError({"kind": [f"Unknown policy kind “{kind}”."]})
    return rule.clean_params({} if params is None else params)


def rule_check(kind: str, snapshot: dict, params: dict) -> list[Violation]:
    """Run the rule of `kind` on one snapshot."""
    return RULES[kind].check(snapshot, params)


__all__ = ["RULES", "Rule", "Violation", "params_clean", "rule_check"]
