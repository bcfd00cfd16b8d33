"""`/metrics` on prometheus_client: read back with prometheus_client's own parser, through the
real server, plus the API the updater and the notice feed report through."""

from __future__ import annotations

import math
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from kiosk import __version__
from kiosk.events import EventType, KioskEvent
from kiosk.web.metrics import KioskMetrics
from tests.kiosk.web.conftest import Harness
from tests.kiosk.web.test_http_maintenance import ANSWER, SAID, play_turn

E = EventType


def scrape(h: Harness) -> dict[str, list[Sample]]:
    """Sample name -> samples, parsed by prometheus_client from a real GET /metrics."""
    with h.client() as client:
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert SAID not in response.text and ANSWER not in response.text
    samples: dict[str, list[Sample]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def _text(h: Harness) -> str:
    with h.client() as client:
        return client.get("/metrics").text


def value(samples: dict[str, list[Sample]], name: str, **labels: str) -> float:
    matching = [s.value for s in samples[name] if s.labels == labels]
    assert len(matching) == 1, f"{name}{labels}: {samples.get(name)}"
    return matching[0]


def test_metrics_parse_with_prometheus_client_through_the_real_server(harness: Harness) -> None:
    harness.all_up()
    play_turn(harness)
    harness.emit(E.TURN_ERROR, turn_id="t2", code="tts-failed", language="en")
    harness.emit(E.KB_RELOADED, version=12)
    families = {f.name: f.type for f in text_string_to_metric_families(_text(harness))}
    assert families["kiosk_turns"] == "counter"
    assert families["kiosk_stage_latency_seconds"] == "histogram"
    assert families["kiosk_info"] == "gauge"
    samples = scrape(harness)
    assert value(samples, "kiosk_turns_total", outcome="answered", language="ko") == 1
    assert value(samples, "kiosk_turns_total", outcome="error", language="en") == 1
    assert value(samples, "kiosk_turn_errors_total") == 1
    assert value(samples, "kiosk_errors_total", code="tts-failed") == 1
    stage = "speech_end_to_first_audio"
    assert value(samples, "kiosk_stage_latency_seconds_bucket", stage=stage, le="1.0") == 1
    assert value(samples, "kiosk_stage_latency_seconds_bucket", stage=stage, le="0.75") == 0
    assert value(samples, "kiosk_stage_latency_seconds_sum", stage=stage) == 0.8
    assert value(samples, "kiosk_kb_version") == 12
    assert value(samples, "kiosk_ready") == 1
    free = value(samples, "kiosk_data_disk_free_bytes")
    assert 0 < free <= value(samples, "kiosk_data_disk_total_bytes")
    assert value(samples, "kiosk_info", kiosk_id="kiosk-1", version=__version__) == 1
    assert not any(name.endswith("_created") for name in samples)


def test_readiness_follows_the_components(harness: Harness) -> None:
    assert value(scrape(harness), "kiosk_ready") == 0  # components still starting
    harness.all_up()
    assert value(scrape(harness), "kiosk_ready") == 1
    harness.emit(E.DEVICE_LOST, component="audio_input", code="device-missing")
    samples = scrape(harness)
    assert value(samples, "kiosk_ready") == 0
    assert value(samples, "kiosk_component_up", component="audio_input") == 0


def test_update_and_notice_feed_metrics_are_there_before_use_and_count(harness: Harness) -> None:
    before = scrape(harness)
    families = {f.name for f in text_string_to_metric_families(_text(harness))}
    assert {"kiosk_kb_update_failures", "kiosk_notice_feed_errors"} <= families
    assert value(before, "kiosk_notice_feed_age_seconds") == 0
    assert "kiosk_kb_update_failures_total" not in before  # no reason has happened yet

    metrics = harness.server.observers.metrics
    metrics.count_update_failure("bad-signature")
    metrics.count_update_failure("bad-signature")
    metrics.count_update_failure("Hash mismatch in kb-12.tar: 'abc' != 'def'")  # free text
    metrics.count_notice_feed_error("malformed")
    metrics.set_kb_version(13)
    after = scrape(harness)
    assert value(after, "kiosk_kb_update_failures_total", reason="bad-signature") == 2
    assert value(after, "kiosk_kb_update_failures_total", reason="unknown") == 1
    assert value(after, "kiosk_notice_feed_errors_total", reason="malformed") == 1
    assert value(after, "kiosk_kb_version") == 13


def test_notice_feed_age_counts_from_the_feed_timestamp() -> None:
    now = [1_000_000.0]
    metrics = KioskMetrics(wall_clock=lambda: now[0])
    metrics.notice_feed_updated(now[0] - 40)
    assert _gauge(metrics, "kiosk_notice_feed_age_seconds") == 40
    now[0] += 60
    assert _gauge(metrics, "kiosk_notice_feed_age_seconds") == 100


def test_seconds_since_speech_counts_from_start_then_from_the_last_speech() -> None:
    now = [100.0]
    metrics = KioskMetrics(clock=lambda: now[0])
    now[0] = 130.0
    assert _gauge(metrics, "kiosk_seconds_since_speech") == 30  # nothing heard since start
    metrics.observe(KioskEvent(E.SPEECH_STARTED, {"turn_id": "t1"}, t=125.0))
    assert _gauge(metrics, "kiosk_seconds_since_speech") == 5
    now[0] = 4000.0
    assert _gauge(metrics, "kiosk_seconds_since_speech") == 3875


def test_two_kiosks_in_one_process_count_separately() -> None:
    first, second = KioskMetrics(kiosk_id="a"), KioskMetrics(kiosk_id="b")
    first.observe(KioskEvent.now(E.TURN_ERROR, code="stt-failed", language="ko"))
    assert _gauge(first, "kiosk_turn_errors_total") == 1
    assert _gauge(second, "kiosk_turn_errors_total") == 0


def test_disk_space_of_a_data_folder_not_made_yet_is_its_filesystems(tmp_path: Path) -> None:
    metrics = KioskMetrics(data_dir=tmp_path / "var" / "not-yet")
    assert _gauge(metrics, "kiosk_data_disk_total_bytes") > 0
    assert math.isinf(_gauge(metrics, "kiosk_audio_input_level_dbfs"))


def _gauge(metrics: KioskMetrics, name: str) -> float:
    samples = [s for f in text_string_to_metric_families(metrics.render()) for s in f.samples]
    (found,) = [s.value for s in samples if s.name == name]
    return found
