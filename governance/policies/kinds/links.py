"""Links: relative links must lead to a live item; external links must answer.

External links are never fetched here: a Celery task (governance.tasks) checks them with
timeouts and the SSRF guard and stores the outcome in ExternalLinkCheck, and this rule
reports the last known state. A link not checked yet is not reported.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from governance.policies.kinds.base import Violation, body_links, number, params_dict, string_list


def _internal_paths(snapshot: dict, ignore: list[str]) -> list[tuple[str, str, str]]:
    """(field label, href, normalised path) for relative links, skipping ignored prefixes."""
    found = []
    for label, href in body_links(snapshot):
        if not href.startswith("/") or href.startswith("//"):
            continue
        path = urlsplit(href).path or "/"
        if any(path.startswith(prefix) for prefix in ignore):
            continue
        found.append((label, href, path if path.endswith("/") else f"{path}/"))
    return found


def _default_ignored() -> list[str]:
    return [f"/{p.strip('/')}/" for p in (settings.MEDIA_URL, settings.STATIC_URL)] + [
        "/api/",
        "/feeds/",
        "/sitemap.xml",
    ]


def broken_internal_links_params(params: Any) -> dict:
    params = params_dict(params, {"allow_drafts", "ignore_prefixes"})
    allow_drafts = params.get("allow_drafts", False)
    if not isinstance(allow_drafts, bool):
        raise ValidationError({"params": ["`allow_drafts` must be true or false."]})
    ignore = string_list(params, "ignore_prefixes")
    if any(not p.startswith("/") for p in ignore):
        raise ValidationError({"params": ["`ignore_prefixes` must be paths starting with /."]})
    return {"allow_drafts": allow_drafts, "ignore_prefixes": ignore}


def broken_internal_links(snapshot: dict, params: dict) -> list[Violation]:
    """Every relative link leads to a published page or article (or a redirect to one)."""
    from content.models import DeliverySnapshot, Redirect

    links = _internal_paths(snapshot, [*_default_ignored(), *params.get("ignore_prefixes", [])])
    if not links:
        return []
    locale = snapshot.get("locale") or settings.CONTENT_DEFAULT_LOCALE
    paths = {path for _, _, path in links}
    live = set(
        DeliverySnapshot.served.filter(url_path__in=paths, locale=locale).values_list(
            "url_path", flat=True
        )
    )
    live |= set(
        Redirect.objects.filter(old_path__in=paths - live, locale__code=locale).values_list(
            "old_path", flat=True
        )
    )
    if params.get("allow_drafts") and paths - live:
        live |= _draft_paths(paths - live, locale)
    return [
        Violation(
            label,
            "broken_internal_links",
            f"The link {href} leads to no published page or article.",
        )
        for label, href, path in links
        if path not in live
    ]


def _draft_paths(paths: set[str], locale: str) -> set[str]:
    from content.services.references import entries_at

    return {path for path, _, _ in entries_at(paths, locale)}


# --- External links ---------------------------------------------------------------------


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def external_urls(
    snapshot: dict, ignore_domains: list[str] | tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """(field label, url) for every http(s) link and embed in the body (and the type's
    rich-text and URL fields), minus ignored domains."""
    found = []
    for label, href in body_links(snapshot):
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        host = parts.hostname.lower()
        if any(host == d or host.endswith(f".{d}") for d in ignore_domains):
            continue
        found.append((label, href))
    return found


def external_links_params(params: Any) -> dict:
    params = params_dict(params, {"timeout", "recheck_after_hours", "ignore_domains"})
    return {
        "timeout": number(params, "timeout", 5, low=0.5, high=30),
        "recheck_after_hours": number(params, "recheck_after_hours", 24, low=0, high=24 * 365),
        "ignore_domains": [d.lower() for d in string_list(params, "ignore_domains")],
    }


def external_links(snapshot: dict, params: dict) -> list[Violation]:
    """No external link whose last check failed (checks run in Celery; unknown links pass)."""
    from governance.models import ExternalLinkCheck

    links = external_urls(snapshot, params.get("ignore_domains") or ())
    if not links:
        return []
    checks = {
        c.url_hash: c
        for c in ExternalLinkCheck.objects.filter(url_hash__in={url_hash(u) for _, u in links})
    }
    violations = []
    for label, url in links:
        check = checks.get(url_hash(url))
        if check is None or check.ok:
            continue
        why = f"HTTP {check.status_code}" if check.status_code else (check.error or "no answer")
        violations.append(
            Violation(
                label,
                "external_links",
                f"The link {url} failed its last check "
                f"({why}, {check.checked_at:%Y-%m-%d %H:%M} UTC).",
            )
        )
    return violations
