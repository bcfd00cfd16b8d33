"""The README's try-out as a test: the real Prometheus binary, started with monitoring/'s
config, finds a real kiosk server through a targets file, scrapes it and evaluates the alert
rules against what it scraped."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from kiosk.events import EventType
from tests.kiosk.web.conftest import Harness
from tests.kiosk.web.test_http_maintenance import play_turn
from tests.monitoring.tools import MONITORING, tool


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def prometheus(tmp_path: Path, harness: Harness) -> Iterator[httpx.Client]:
    """Prometheus on 127.0.0.1 scraping `harness` every second, as the README sets it up."""
    fleet = tmp_path / "fleet"
    shutil.copytree(MONITORING, fleet)
    for example in (fleet / "targets").glob("*.yml"):
        example.unlink()
    kiosk = harness.url.removeprefix("http://")
    targets = [{"targets": [kiosk], "labels": {"station": "gangnam", "line": "2"}}]
    (fleet / "targets" / "local.yml").write_text(yaml.safe_dump(targets), encoding="utf-8")
    config = yaml.safe_load((fleet / "prometheus.yml").read_text(encoding="utf-8"))
    config["global"].update(scrape_interval="1s", scrape_timeout="1s", evaluation_interval="1s")
    (fleet / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    port = free_port()
    log = (tmp_path / "prometheus.log").open("w")
    process = subprocess.Popen(
        [
            tool("prometheus"),
            f"--config.file={fleet / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            yield client
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def wait_for(check: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    """Poll until `check` returns something truthy (Prometheus works on its own schedule)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except httpx.TransportError:
            result = None
        if result:
            return result
        assert time.monotonic() < deadline, f"Prometheus never showed {what}"
        time.sleep(0.5)


def query(client: httpx.Client, expr: str) -> list[dict]:
    response = client.get("/api/v1/query", params={"query": expr})
    if response.status_code == 503:  # Prometheus still starting (slow on a busy machine)
        return []
    body = response.json()
    assert body["status"] == "success", body
    return body["data"]["result"]


def test_prometheus_scrapes_a_real_kiosk_and_evaluates_the_alerts(
    prometheus: httpx.Client, harness: Harness
) -> None:
    play_turn(harness)
    harness.emit(EventType.KB_RELOADED, version=4)
    ready = wait_for(lambda: query(prometheus, "kiosk_ready"), "the kiosk's kiosk_ready")
    assert ready[0]["metric"]["station"] == "gangnam" and ready[0]["value"][1] == "0"
    up = wait_for(lambda: query(prometheus, 'up{job="kiosk"} == 1'), "the kiosk up")
    assert up[0]["metric"]["instance"] == harness.url.removeprefix("http://")
    # Prometheus may have scraped before the bus delivered the turn: wait for a later scrape.
    turns = 'kiosk_turns_total{outcome="answered", station="gangnam"} == 1'
    wait_for(lambda: query(prometheus, turns), "the kiosk's turn")
    wait_for(lambda: query(prometheus, "kiosk_kb_version == 4"), "the kiosk's KB version")

    def rules() -> dict[str, dict]:
        groups = prometheus.get("/api/v1/rules").json()["data"]["groups"]
        return {rule["name"]: rule for group in groups for rule in group["rules"]}

    # The harness starts with every component "starting": not ready, so the alert is pending.
    wait_for(lambda: rules()["KioskNotReady"]["state"] == "pending", "KioskNotReady pending")
    evaluated = rules()
    in_file = (MONITORING / "rules/kiosk-alerts.yml").read_text(encoding="utf-8")
    assert len(evaluated) == in_file.count("- alert:")
    for name, rule in evaluated.items():
        assert rule["health"] == "ok", f"{name}: {rule.get('lastError')}"
    harness.all_up()
    wait_for(lambda: rules()["KioskNotReady"]["state"] == "inactive", "KioskNotReady cleared")
