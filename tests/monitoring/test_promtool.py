"""monitoring/ checked by Prometheus' and Alertmanager's own tools: the config, the alert rules
and their unit tests pass, and a broken file is caught (so these checks can fail)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.monitoring.tools import (
    ALERTMANAGER_CONFIG,
    MONITORING,
    PROMETHEUS_CONFIG,
    RULE_TESTS,
    RULES,
    alert_rules,
    run,
)

ALERTS = {
    "KioskDown",
    "KioskNotReady",
    "KioskMicrophoneSilent",
    "KioskTurnErrors",
    "KioskSlowAnswers",
    "KioskKnowledgeBaseBehind",
    "KioskUpdateVerificationFailed",
    "KioskDiskNearlyFull",
    "KioskNoticeFeedStale",
}
"""The alerts issue #15 asks for, and the live-notice feed's: the rules file has exactly these."""


def test_prometheus_config_with_its_rules_and_targets_is_valid() -> None:
    result = run("promtool", "check", "config", PROMETHEUS_CONFIG)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 rule files found" in result.stdout


def test_alert_rules_are_valid_and_are_the_ones_asked_for() -> None:
    result = run("promtool", "check", "rules", RULES)
    assert result.returncode == 0, result.stdout + result.stderr
    rules = alert_rules()
    assert {rule["alert"] for rule in rules} == ALERTS
    for rule in rules:
        assert rule["labels"]["severity"] in ("critical", "warning"), rule["alert"]
        assert {"summary", "description"} <= set(rule["annotations"]), rule["alert"]


def test_alert_unit_tests_pass() -> None:
    result = run("promtool", "test", "rules", RULE_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_is_tested_firing_and_not_firing() -> None:
    cases = yaml.safe_load(RULE_TESTS.read_text(encoding="utf-8"))["tests"]
    firing: set[str] = set()
    quiet: set[str] = set()
    for case in cases:
        for check in case.get("alert_rule_test", []):
            (firing if check["exp_alerts"] else quiet).add(check["alertname"])
    assert firing == ALERTS, f"never tested firing: {ALERTS - firing}"
    assert quiet == ALERTS, f"never tested quiet: {ALERTS - quiet}"


def test_a_wrong_expectation_fails_the_unit_tests(tmp_path: Path) -> None:
    """promtool really evaluates the rules: a kiosk down for 2 minutes must not yet alert."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "tests").mkdir()
    shutil.copy(RULES, tmp_path / "rules" / RULES.name)
    tests = yaml.safe_load(RULE_TESTS.read_text(encoding="utf-8"))
    down = tests["tests"][0]["alert_rule_test"]
    assert down[0]["alertname"] == "KioskDown" and down[0]["exp_alerts"] == []
    down[0]["exp_alerts"] = down[1]["exp_alerts"]
    (tmp_path / "tests" / "wrong.test.yml").write_text(yaml.safe_dump(tests), encoding="utf-8")
    result = run("promtool", "test", "rules", "wrong.test.yml", cwd=tmp_path / "tests")
    assert result.returncode != 0
    assert "KioskDown" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("broken", "text", "message"),
    [
        (
            "targets/broken.yml",
            '- targets: ["10.2.22.13:8080"]\n  labels: {"station name": gangnam}\n',
            "not a valid label name",
        ),
        (
            "rules/broken.yml",
            "groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: rate(\n",
            "broken.yml",
        ),
    ],
)
def test_a_broken_targets_or_rules_file_fails_the_config_check(
    tmp_path: Path, broken: str, text: str, message: str
) -> None:
    copy = tmp_path / "monitoring"
    shutil.copytree(MONITORING, copy)
    (copy / broken).write_text(text, encoding="utf-8")
    result = run("promtool", "check", "config", copy / "prometheus.yml")
    assert result.returncode != 0, result.stdout
    assert message in result.stdout + result.stderr


def test_alertmanager_config_is_valid_and_routes_by_severity() -> None:
    result = run("amtool", "check-config", ALERTMANAGER_CONFIG)
    assert result.returncode == 0, result.stdout + result.stderr
    for labels, receiver in (
        (("alertname=KioskDown", "severity=critical"), "maintenance-desk"),
        (("alertname=KioskDiskNearlyFull", "severity=warning"), "maintenance-queue"),
    ):
        routed = run(
            "amtool", "config", "routes", "test", f"--config.file={ALERTMANAGER_CONFIG}", *labels
        )
        assert routed.returncode == 0, routed.stderr
        assert routed.stdout.strip() == receiver


def test_every_alert_the_inhibit_rules_name_exists() -> None:
    config = yaml.safe_load(ALERTMANAGER_CONFIG.read_text(encoding="utf-8"))
    named: set[str] = set()
    for rule in config["inhibit_rules"]:
        for matcher in (*rule["source_matchers"], *rule["target_matchers"]):
            names = matcher.split("=", 1)[1].strip('~"')
            named.update(names.split("|"))
    assert named <= ALERTS, named - ALERTS
