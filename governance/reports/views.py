"""Governance reports in the API: `governance/reports/` lists them, `governance/reports/<name>/`
runs one.

The reports themselves are governance.reports.queries (shared with the dashboard and the digest);
REPORTS below is the one list of what the API offers, with the description and the query
parameters the index shows, so the index, the schema and the strict parameter check
cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import HasModelPermission
from governance.reports import queries as reports


@dataclass(frozen=True)
class ReportParameter:
    name: str
    description: str


@dataclass(frozen=True)
class Report:
    """One report; `description` may name settings as {placeholders} (see the index)."""

    name: str
    title: str
    description: str
    run: Callable[[Any], list[dict[str, Any]]]
    parameters: tuple[ReportParameter, ...] = ()


def _days(request) -> int:
    raw = request.query_params.get("days", "30")
    if not raw.isdigit() or not 1 <= int(raw) <= 366:
        raise ValidationError({"days": ["Must be a whole number from 1 to 366."]})
    return int(raw)


def _activity(request) -> list[dict[str, Any]]:
    return [
        {"day": d.day.isoformat(), "published": d.published}
        for d in reports.publishing_activity(days=_days(request))
    ]


REPORTS: dict[str, Report] = {
    r.name: r
    for r in (
        Report(
            "stale",
            "Stale content",
            "Articles and pages (not in the trash) nobody has changed for {stale_days} days "
            "(CONTENT_STALE_AFTER_DAYS), oldest first; at most 100.",
            lambda request: reports.stale_content(viewer=request.user),
        ),
        Report(
            "overdue-reviews",
            "Overdue reviews",
            "Articles and pages whose next review date has passed, most overdue first; "
            "at most 100.",
            lambda request: reports.overdue_reviews(viewer=request.user),
        ),
        Report(
            "violations",
            "Policy violations",
            "Failed results of active content policies on the latest revision of items "
            "not in the trash, most recently checked first; at most 100.",
            lambda request: reports.policy_violations(viewer=request.user),
        ),
        Report(
            "activity",
            "Publishing activity",
            "Publishes per day over the last `days` days (today included), from the audit log.",
            _activity,
            (ReportParameter("days", "How many days back, 1 to 366 (default 30)."),),
        ),
    )
}


def _refuse_unknown_parameters(request, allowed: set[str]) -> None:
    unknown = set(request.query_params) - allowed
    if unknown:
        raise ValidationError({p: ["Unknown query parameter."] for p in sorted(unknown)})


class ReportParameterSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()


class ReportInfoSerializer(serializers.Serializer):
    # A plain string: ReportSerializer.report already names the choice set in the schema.
    name = serializers.CharField(help_text="The report's name in its URL.")
    title = serializers.CharField()
    description = serializers.CharField()
    url = serializers.URLField(help_text="Absolute URL of the report.")
    parameters = ReportParameterSerializer(many=True, help_text="Query parameters it takes.")


class ReportIndexSerializer(serializers.Serializer):
    results = ReportInfoSerializer(many=True)


class ReportSerializer(serializers.Serializer):
    report = serializers.ChoiceField(choices=list(REPORTS))
    results = serializers.ListField(child=serializers.DictField())


class _ReportPermissions:
    """Reports are for anyone who reads content (every role; API keys with content:read)."""

    permission_classes = [HasModelPermission]
    permission_model = "content.article"


class ReportIndexView(_ReportPermissions, APIView):
    """The governance reports: name, title, description, absolute URL and parameters."""

    @extend_schema(
        tags=["governance"], operation_id="governance_reports_list", responses=ReportIndexSerializer
    )
    def get(self, request):
        _refuse_unknown_parameters(request, set())
        rows = [
            {
                "name": report.name,
                "title": report.title,
                "description": report.description.format(
                    stale_days=settings.CONTENT_STALE_AFTER_DAYS
                ),
                "url": request.build_absolute_uri(
                    reverse("governance-report", kwargs={"name": report.name})
                ),
                "parameters": [vars(p) for p in report.parameters],
            }
            for report in REPORTS.values()
        ]
        return Response(ReportIndexSerializer({"results": rows}).data)


@extend_schema(
    tags=["governance"],
    parameters=[
        OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(REPORTS)),
        OpenApiParameter("days", int, description="activity only: 1 to 366"),
    ],
    responses=ReportSerializer,
)
class ReportView(_ReportPermissions, APIView):
    """Governance reports for anyone who reads content: `stale`, `overdue-reviews`,
    `violations` (policy results that did not pass) and `activity` (publishes per day).
    `GET governance/reports/` lists them."""

    def get(self, request, name: str):
        report = REPORTS.get(name)
        if report is None:
            raise NotFound(f"Reports: {', '.join(REPORTS)}.")
        _refuse_unknown_parameters(request, {p.name for p in report.parameters})
        return Response(ReportSerializer({"report": name, "results": report.run(request)}).data)
