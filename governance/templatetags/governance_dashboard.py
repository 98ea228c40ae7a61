"""`{% dashboard_cards %}`: the signed-in user's dashboard cards (governance.reports.cards),
for the admin index and the governance dashboard."""

from __future__ import annotations

from django import template

from governance.reports.cards import dashboard_cards as cards_for

register = template.Library()


@register.inclusion_tag("admin/governance/dashboard_cards.html", takes_context=True)
def dashboard_cards(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"cards": []}
    # The request too: the cards load the real-time client, whose address depends on it.
    return {"cards": cards_for(user), "request": request}
