"""The alert rules and the dashboard read only what a real kiosk exports.

A real kiosk server is scraped after a turn, an error and every reported event, so each
labelled family has series; every metric and label a rule or panel names must be in that
scrape (or be a label Prometheus or the targets files add). Renaming a metric in
kiosk/web/metrics.py without the rules fails here instead of silencing an alert."""

from __future__ import annotations

import json
import time

import yaml
from prometheus_client.parser import text_string_to_metric_families

from kiosk.events import EventType
from tests.kiosk.web.conftest import Harness
from tests.kiosk.web.test_http_maintenance import play_turn
from tests.monitoring.promql_names import Selector, grafana_variable_selectors, selectors
from tests.monitoring.tools import DASHBOARD, MONITORING, alert_rules

PROMETHEUS_SERIES = {"up": frozenset({"job", "instance"})}
"""Series Prometheus writes for each scrape target (not exported by the kiosk)."""


def target_labels() -> frozenset[str]:
    """Labels every series gets from the scrape: job, instance and the targets files' own."""
    labels = {"job", "instance"}
    for path in sorted((MONITORING / "targets").glob("*.yml")):
        for group in yaml.safe_load(path.read_text(encoding="utf-8")):
            labels.update(group.get("labels", {}))
    return frozenset(labels)


def scraped_series(h: Harness) -> dict[str, frozenset[str]]:
    """Sample name -> its label names, from a real scrape after every kind of event."""
    h.all_up()
    play_turn(h)
    h.emit(EventType.SPEECH_STARTED, turn_id="t2")
    h.emit(EventType.TURN_ERROR, turn_id="t2", code="stt-failed", stage="stt", language="ko")
    h.emit(EventType.DEVICE_LOST, component="audio_input", code="device-missing")
    h.emit(EventType.KB_RELOADED, version=3)
    metrics = h.server.observers.metrics
    metrics.count_update_failure("bad-signature")
    metrics.count_notice_feed_error("timeout")
    metrics.notice_feed_updated(time.time() - 30)
    with h.client() as client:
        text = client.get("/metrics").text
    series: dict[str, set[str]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            series.setdefault(sample.name, set()).update(sample.labels)
    return {name: frozenset(labels) for name, labels in series.items()}


def rule_selectors() -> dict[str, list[Selector]]:
    return {rule["alert"]: selectors(rule["expr"]) for rule in alert_rules()}


def dashboard_selectors() -> dict[str, list[Selector]]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    found: dict[str, list[Selector]] = {}
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            found[f"panel {panel['title']!r} {target['refId']}"] = selectors(target["expr"])
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]
            query = query["query"] if isinstance(query, dict) else query
            found[f"variable ${variable['name']}"] = grafana_variable_selectors(query)
    return found


def unknown(
    used: dict[str, list[Selector]], exported: dict[str, frozenset[str]], extra: frozenset[str]
) -> list[str]:
    known = {**exported, **PROMETHEUS_SERIES}
    problems = []
    for where, found in used.items():
        assert found, f"{where} reads no series"
        for selector in found:
            if selector.metric not in known:
                problems.append(f"{where}: {selector.metric} is not exported")
            elif missing := selector.labels - known[selector.metric] - extra:
                problems.append(f"{where}: {selector.metric} has no label {sorted(missing)}")
    return problems


def test_rules_and_dashboard_read_only_metrics_the_kiosk_exports(harness: Harness) -> None:
    exported = scraped_series(harness)
    extra = target_labels()
    assert unknown(rule_selectors(), exported, extra) == []
    assert unknown(dashboard_selectors(), exported, extra) == []


def test_a_misspelt_metric_or_label_is_caught(harness: Harness) -> None:
    exported = scraped_series(harness)
    used = {
        "typo": selectors("kiosk_turn_error_total > 0"),
        "label": selectors('kiosk_turns_total{transcript="x"}'),
    }
    assert unknown(used, exported, target_labels()) == [
        "typo: kiosk_turn_error_total is not exported",
        "label: kiosk_turns_total has no label ['transcript']",
    ]


def test_the_scrape_has_every_family_the_alerts_need(harness: Harness) -> None:
    needed = {"kiosk_ready", "kiosk_seconds_since_speech", "kiosk_turn_errors_total"}
    needed |= {"kiosk_stage_latency_seconds_bucket", "kiosk_kb_version"}
    needed |= {"kiosk_kb_update_failures_total", "kiosk_data_disk_free_bytes"}
    assert needed <= set(scraped_series(harness))
