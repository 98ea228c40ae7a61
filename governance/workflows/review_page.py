"""The outside reviewer's page: a plain Django view at /review/<token>/, no login.

GET shows the submitted revision (title and body, rendered by content's block renderer,
which outputs sanitised HTML) and a CSRF-protected form; POST records the decision.
The token is a bearer secret in the URL, so responses are never cached, never indexed,
and never leak it through the Referer header.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from content.blocks_html import blocks_to_html
from governance.workflows.review_links import (
    ReviewLinkInvalid,
    review_link_decide,
    review_link_load,
    review_link_view,
)

TEMPLATE = "governance/review/link.html"


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _page(request: HttpRequest, link, **context) -> HttpResponse:
    snapshot = link.submission.revision.snapshot
    body = snapshot.get("body") or []
    context = {
        "link": link,
        "title": snapshot.get("title", ""),
        "summary": snapshot.get("summary", ""),
        # blocks_to_html renders a body that passed content's body_clean on save.
        "body_html": mark_safe(blocks_to_html(body)),  # noqa: S308
        "step": link.submission.current_step,
        **context,
    }
    return _private(render(request, TEMPLATE, context, status=context.pop("status", 200)))


@csrf_protect
@require_http_methods(["GET", "POST"])
def review_link_page(request: HttpRequest, token: str) -> HttpResponse:
    """Show the draft and take an approve/reject decision from an outside reviewer."""
    try:
        if request.method == "GET":
            return _page(request, review_link_view(token=token), form={}, errors={})
        form = {name: request.POST.get(name, "") for name in ("name", "comment", "decision")}
        try:
            submission = review_link_decide(token=token, **form)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            return _page(request, review_link_load(token), form=form, errors=errors, status=400)
    except ReviewLinkInvalid as exc:
        context = {"message": str(exc)}
        return _private(render(request, "governance/review/invalid.html", context, status=404))
    context = {"decision": form["decision"], "submission": submission}
    return _private(render(request, "governance/review/done.html", context))
