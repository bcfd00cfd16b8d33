"""Paths of monitoring/ and its command-line checkers (Debian's prometheus packages)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

MONITORING = Path(__file__).resolve().parents[2] / "monitoring"
PROMETHEUS_CONFIG = MONITORING / "prometheus.yml"
RULES = MONITORING / "rules" / "kiosk-alerts.yml"
RULE_TESTS = MONITORING / "tests" / "kiosk-alerts.test.yml"
ALERTMANAGER_CONFIG = MONITORING / "alertmanager.yml"
DASHBOARD = MONITORING / "grafana" / "kiosk-fleet.json"


def tool(name: str) -> str:
    """The tool's path; missing is a failure, not a skip: CI must run these checks."""
    path = shutil.which(name)
    assert path, f"{name} not found: scripts/setup.sh installs it (Debian packages prometheus, "
    "prometheus-alertmanager)"
    return path


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [tool(str(args[0])), *map(str, args[1:])]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd)


def alert_rules() -> list[dict]:
    groups = yaml.safe_load(RULES.read_text(encoding="utf-8"))["groups"]
    return [rule for group in groups for rule in group["rules"]]
