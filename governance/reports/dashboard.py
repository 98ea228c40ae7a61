"""The governance dashboard in the admin: the user's cards (governance.reports.cards: review
tasks, due reviews, open violations...), status counts, overdue reviews across the user's
sections and a 30-day publishing chart drawn as server-side SVG (no CDN)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.admin import site as admin_site
from django.template.response import TemplateResponse
from django.utils.text import capfirst

from content.types import entry_type
from governance.reports import queries as reports


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    label: str
    count: int


CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 600, 120, 2
# Below the bars: the date labels. Every TICK_EVERY days gets one (the last day always);
# a margin each side keeps the first and last labels whole.
LABEL_HEIGHT, LABEL_MARGIN, TICK_EVERY = 18, 24, 7


@dataclass(frozen=True)
class Tick:
    x: int
    label: str


def chart_ticks(days: list[reports.DayCount]) -> list[Tick]:
    """Date labels under the bars: every TICK_EVERY days counting back from today."""
    width = CHART_WIDTH // max(len(days), 1)
    last = len(days) - 1
    return [
        Tick(i * width + width // 2, f"{day.day:%b} {day.day.day}")
        for i, day in enumerate(days)
        if (last - i) % TICK_EVERY == 0
    ]


def activity_bars(days: list[reports.DayCount]) -> list[Bar]:
    """Bars for the activity chart, scaled to the busiest day."""
    peak = max((d.published for d in days), default=0) or 1
    width = CHART_WIDTH // max(len(days), 1)
    bars = []
    for i, day in enumerate(days):
        height = round(day.published / peak * (CHART_HEIGHT - 10))
        bars.append(
            Bar(i * width, CHART_HEIGHT - height, height, day.day.isoformat(), day.published)
        )
    return bars


def status_rows(counts: dict[str, dict]) -> list[tuple[str, dict]]:
    """The status table's rows: each type by its plural name ("Ferries", not "Ferrys")."""
    return [
        (capfirst(entry_type(name).model._meta.verbose_name_plural), row)
        for name, row in counts.items()
    ]


def dashboard_view(request):
    """/admin/governance/dashboard/: what needs attention, at a glance."""
    days = reports.publishing_activity(days=30)
    # What the user may view: a section-limited role sees its sections' items only.
    counts = reports.status_counts(viewer=request.user)
    context = {
        **admin_site.each_context(request),
        "title": "Governance dashboard",
        "status_counts": counts,
        "status_rows": status_rows(counts),
        "overdue": reports.overdue_reviews(viewer=request.user, limit=10),
        "bars": activity_bars(days),
        "ticks": chart_ticks(days),
        "bar_width": CHART_WIDTH // 30 - BAR_GAP,
        "chart_width": CHART_WIDTH,
        "chart_height": CHART_HEIGHT,
        "chart_full_height": CHART_HEIGHT + LABEL_HEIGHT,
        "chart_margin": LABEL_MARGIN,
        "chart_full_width": CHART_WIDTH + 2 * LABEL_MARGIN,
        "label_y": CHART_HEIGHT + LABEL_HEIGHT - 4,
        "published_30d": sum(d.published for d in days),
        "busiest_day": max(days, key=lambda d: d.published, default=None),
    }
    return TemplateResponse(request, "admin/governance/dashboard.html", context)
