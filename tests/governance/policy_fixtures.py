"""Shared helpers for the content-policy tests."""

from __future__ import annotations

from governance.policies.configuration import policy_create


def banned(name="No jargon", severity="block", terms=("class",), **extra):
    """A banned-terms policy created with no acting user; `extra` adds to its data."""
    return policy_create(
        actor=None,
        data={
            "name": name,
            "kind": "banned_terms",
            "params": {"terms": list(terms)},
            "severity": severity,
            **extra,
        },
    )
