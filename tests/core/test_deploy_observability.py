"""The Grafana dashboard and the Prometheus rules in deploy/ name only metrics that /metrics
really exports, and the rules file is what Prometheus loads."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DASHBOARD = DEPLOY / "grafana" / "folio-dashboard.json"
RULES = DEPLOY / "prometheus" / "alerts.yml"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def rules() -> list[dict]:
    return [
        rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]
    ]


def names_in(expr: str) -> set[str]:
    """The metric and recording-rule names a PromQL expression reads (Folio's and Django's)."""
    bare = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    bare = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", bare)  # label lists
    return set(re.findall(r"\b(?:folio|django)[a-z0-9_:]*", bare))


def exported() -> set[str]:
    Client().get("/health/live/")  # Django's request metrics appear once there is one
    response = Client().get("/metrics")
    assert response.status_code == 200
    names = set()
    for family in text_string_to_metric_families(response.content.decode()):
        names.add(family.name)
        names.update(family.name + suffix for suffix in SUFFIXES.get(family.type, ()))
        names.update(sample.name for sample in family.samples)
    return names


def test_the_dashboard_and_the_rules_name_only_exported_metrics():
    recorded = {rule["record"] for rule in rules() if "record" in rule}
    used = set().union(*(names_in(e) for e in dashboard_exprs() + [r["expr"] for r in rules()]))
    assert {"folio_delivery_cache_requests_total", "folio_outbox_pending"} <= used
    missing = {name for name in used - recorded if name not in exported()}
    assert not missing, f"named in deploy/ but not exported by /metrics: {sorted(missing)}"
    assert {name for name in used if ":" in name} <= recorded


def test_every_metric_that_matters_is_on_the_dashboard():
    used = set().union(*(names_in(e) for e in dashboard_exprs()))
    for name in (
        "folio:delivery_cache_hit_ratio:rate5m",
        "folio_snapshot_rebuild_lag_seconds_bucket",
        "folio_snapshot_rebuild_backlog_seconds",
        "folio_scheduled_overdue_items",
        "folio_outbox_pending",
        "folio_outbox_oldest_pending_age_seconds",
        "folio_webhook_delivery_failures_total",
        "folio_websocket_connections",
        "folio_circuit_breaker_state",
    ):
        assert name in used, name


def test_the_rules_file_has_the_structure_prometheus_loads():
    document = yaml.safe_load(RULES.read_text())
    assert set(document) == {"groups"}
    for group in document["groups"]:
        assert group["name"]
        assert group["rules"]
    recording = [r for r in rules() if "record" in r]
    alerting = [r for r in rules() if "alert" in r]
    assert "folio:delivery_cache_hit_ratio:rate5m" in {r["record"] for r in recording}
    for rule in recording:
        assert set(rule) == {"record", "expr"}
        assert re.fullmatch(r"[a-z_]+:[a-z0-9_]+:[a-z0-9_]+", rule["record"])
    for rule in alerting:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert rule["annotations"]["summary"]


def test_promtool_accepts_the_rules():
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is not installed (Debian: apt-get install prometheus)")
    result = subprocess.run(  # noqa: S603
        [promtool, "check", "rules", str(RULES)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout
