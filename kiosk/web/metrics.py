"""Prometheus metrics on `prometheus_client`, fed from the event stream and read at scrape time.

Each `KioskMetrics` owns its own `CollectorRegistry`, never the process-global one, so tests and
several kiosks in one process count separately. Turns, errors and devices are counted only from
`KioskEvent`s, so the numbers describe exactly what the captions page and `/status` saw;
readiness, disk space and the time since speech are read when Prometheus scrapes. Passenger text
never reaches this module: it reads `event.public_data`, and every label value passes `_label`
(at most 48 safe characters, else "unknown"), so no transcript or free text becomes a label.

Adding a metric is one line in `KioskMetrics.__init__`, on this kiosk's registry:

    self.retries = self._counter("kiosk_retries_total", "Retries by stage.", "stage")

Code outside the event stream reports through these methods (thread-safe, labels sanitised);
the service reaches them as `KioskService.server.observers.metrics`:

    metrics.count_update_failure("bad-signature")  # kiosk_kb_update_failures_total{reason}
    metrics.set_kb_version(12)                     # kiosk_kb_version (kb_reloaded events too)
    metrics.notice_feed_updated(feed_unix_time)    # kiosk_notice_feed_age_seconds from now on
    metrics.count_notice_feed_error("timeout")     # kiosk_notice_feed_errors_total{reason}

The names, labels and meanings are what `monitoring/` alerts on and charts; a test scrapes a
real server and fails when a rule or a dashboard panel names a metric that is not here.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import prometheus_client
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

from kiosk.events import EventType, KioskEvent
from kiosk.phase import INITIAL, Phase, transition
from kiosk.stages import REPORTED

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.events import EventBus
    from kiosk.health import Health

logger = logging.getLogger(__name__)

# The `_created` series double every counter and histogram for a timestamp Prometheus' text
# format cannot use; the kiosk process owns its prometheus_client, so switching them off is safe.
prometheus_client.disable_created_metrics()

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
"""Text exposition 0.0.4: what every Prometheus (2.x from Debian, 3.x) scrapes."""

LATENCY_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0)
"""Seconds; dense under 2 s, where the speech-end-to-first-audio target (1.5 s) lives."""

_LABEL_VALUE = re.compile(r"^[A-Za-z0-9_.:\-]{1,48}$")


def _label(value: object, default: str = "unknown") -> str:
    """Keep label values to a safe, bounded vocabulary (never free text)."""
    text = str(value) if value is not None else ""
    return text if _LABEL_VALUE.match(text) else default


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


class KioskMetrics:
    """Counters and histograms for one kiosk; `observe` is an `EventBus` listener.

    `clock` must be `time.monotonic`-compatible (event times are compared with it); `ready`
    and `data_dir` feed `kiosk_ready` and the disk gauges at each scrape (left out if None).
    """

    def __init__(
        self,
        *,
        kiosk_id: str = "kiosk-1",
        version: str = "",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        drops: Callable[[], Mapping[str, int]] | None = None,
        ready: Callable[[], bool] | None = None,
        data_dir: Path | None = None,
    ) -> None:
        self.registry = CollectorRegistry()
        self._clock = clock
        self._wall_clock = wall_clock
        self._started = clock()
        self._last_speech: float | None = None
        self._notice_feed_time: float | None = None
        self._lock = threading.Lock()
        self._state = INITIAL
        info = Info("kiosk", "Kiosk identity; the value is always 1.", registry=self.registry)
        info.info({"kiosk_id": _label(kiosk_id), "version": _label(version or "dev")})
        self.turns = self._counter("kiosk_turns_total", "Finished turns.", "outcome", "language")
        self.turn_errors = self._counter(
            "kiosk_turn_errors_total", "Turns that ended in an error (one series, from 0)."
        )
        self.latency = Histogram(
            "kiosk_stage_latency_seconds",
            "Latency per pipeline stage.",
            ("stage",),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.barge_ins = self._counter(
            "kiosk_barge_ins_total", "Playback interrupted by the passenger."
        )
        self.errors = self._counter("kiosk_errors_total", "Errors by code.", "code")
        self.kb_version = self._gauge("kiosk_kb_version", "Knowledge-base version in use.")
        self.kb_update_failures = self._counter(
            "kiosk_kb_update_failures_total",
            "Knowledge-base updates refused by verification, by reason.",
            "reason",
        )
        self.notice_feed_errors = self._counter(
            "kiosk_notice_feed_errors_total",
            "Live-notice feed polls that failed, by reason.",
            "reason",
        )
        self.audio_level = self._gauge(
            "kiosk_audio_input_level_dbfs", "Most recent microphone level (dBFS)."
        )
        self.component_up = self._gauge(
            "kiosk_component_up", "Device or model health from events (1 up).", "component"
        )
        self.audio_level.set(-math.inf)
        self.registry.register(_ScrapeTimeCollector(self, drops, ready, data_dir))
        prometheus_client.ProcessCollector(registry=self.registry)

    @classmethod
    def for_kiosk(
        cls, settings: Settings, bus: EventBus, health: Health, *, version: str
    ) -> KioskMetrics:
        """A running kiosk's metrics: its id, the bus's drops, its readiness, its data disk."""
        return cls(
            kiosk_id=settings.station.kiosk_id,
            version=version,
            drops=bus.drops,
            ready=lambda: health.ready,
            data_dir=settings.data.dir,
        )

    def _counter(self, name: str, help: str, *labels: str) -> Counter:
        return Counter(name, help, labels, registry=self.registry)

    def _gauge(self, name: str, help: str, *labels: str) -> Gauge:
        return Gauge(name, help, labels, registry=self.registry)

    def observe(self, event: KioskEvent) -> None:
        """Update from one event; reads only `public_data`."""
        data = event.public_data
        with self._lock:
            self._state = transition(self._state, event)
            kind = event.type
            if kind is EventType.SPEECH_STARTED:
                self._last_speech = event.t
            elif kind is EventType.TURN_DONE:
                self.turns.labels(_label(data.get("outcome")), _label(data.get("language"))).inc()
                self._observe_timings(data.get("timings_ms"))
            elif kind is EventType.TURN_ERROR:
                self.turns.labels("error", _label(data.get("language"))).inc()
                self.turn_errors.inc()
                self.errors.labels(_label(data.get("code"), "unknown-error")).inc()
                self._observe_timings(data.get("timings_ms"))
            elif kind is EventType.BARGE_IN:
                self.barge_ins.inc()
            elif kind in (EventType.DEVICE_LOST, EventType.MODEL_FAILED):
                self.errors.labels(_label(data.get("code"), kind.value)).inc()
                self.component_up.labels(_label(data.get("component"))).set(0)
            elif kind in (EventType.DEVICE_OK, EventType.MODEL_LOADED):
                self.component_up.labels(_label(data.get("component"))).set(1)
            elif kind is EventType.KB_RELOADED:
                self._set_number(self.kb_version, data.get("version"))
            elif kind is EventType.KB_UPDATE_FAILED:
                self.kb_update_failures.labels(_label(data.get("reason"))).inc()
            elif kind is EventType.AUDIO_LEVEL:
                self._set_number(self.audio_level, data.get("dbfs"))
            elif kind is EventType.NOTICE_FEED:  # one per poll of kiosk.notice_feed
                if data.get("result") == "error":
                    self.notice_feed_errors.labels(_label(data.get("reason"))).inc()
                if (confirmed := _number(data.get("confirmed_unix"))) is not None:
                    self._notice_feed_time = confirmed

    def _observe_timings(self, timings: object) -> None:
        if not isinstance(timings, Mapping):
            return
        for stage in REPORTED:
            value = _number(timings.get(stage))
            if value is not None and value >= 0:
                self.latency.labels(stage).observe(value / 1000.0)

    @staticmethod
    def _set_number(gauge: Gauge, value: object) -> None:
        number = _number(value)
        if number is not None:
            gauge.set(number)

    def count_update_failure(self, reason: str) -> None:
        """A knowledge-base update refused (bad signature, expired metadata, rollback, ...).

        `reason` is a short stable code such as "bad-signature"; anything else becomes
        "unknown", so an error message can never turn into a label."""
        self.kb_update_failures.labels(_label(reason)).inc()

    def set_kb_version(self, version: int) -> None:
        """The knowledge-base version now served (also set by `kb_reloaded` events)."""
        self._set_number(self.kb_version, version)

    def notice_feed_updated(self, feed_time: float) -> None:
        """A live-notice feed was accepted or confirmed (304) at Unix time `feed_time`, so
        `kiosk_notice_feed_age_seconds` grows from it until the next one (the poller's
        `notice_feed` events set the same time)."""
        with self._lock:
            self._notice_feed_time = float(feed_time)

    def count_notice_feed_error(self, reason: str) -> None:
        """A live-notice poll failed (timeout, malformed, oversized, ...); `reason` as above."""
        self.notice_feed_errors.labels(_label(reason)).inc()

    def render(self) -> str:
        """The text exposition format, version 0.0.4."""
        return generate_latest(self.registry).decode("utf-8")

    def scrape_time_values(self) -> tuple[float, Phase, float, float]:
        """Uptime, phase, seconds since speech, notice feed age: read together under the lock."""
        with self._lock:
            now = self._clock()
            uptime = now - self._started
            since_speech = now - (
                self._last_speech if self._last_speech is not None else self._started
            )
            feed_time = self._notice_feed_time
            phase = self._state.phase
        feed_age = 0.0 if feed_time is None else self._wall_clock() - feed_time
        return (
            round(uptime, 3),
            phase,
            round(max(0.0, since_speech), 3),
            round(max(0.0, feed_age), 3),
        )


class _ScrapeTimeCollector:
    """Values that are read when Prometheus asks, not counted from events."""

    def __init__(
        self,
        metrics: KioskMetrics,
        drops: Callable[[], Mapping[str, int]] | None,
        ready: Callable[[], bool] | None,
        data_dir: Path | None,
    ) -> None:
        self._metrics = metrics
        self._drops = drops
        self._ready = ready
        self._data_dir = data_dir

    def describe(self) -> list[Metric]:
        """Names only, so registering does not read the clock or the disk."""
        return list(self._empty().values())

    def collect(self) -> list[Metric]:
        family = self._empty()
        uptime, phase, since_speech, feed_age = self._metrics.scrape_time_values()
        family["uptime"].add_metric([], uptime)
        for each in Phase:
            family["state"].add_metric([each.value], 1 if each is phase else 0)
        family["since_speech"].add_metric([], since_speech)
        family["feed_age"].add_metric([], feed_age)
        if self._ready is not None:
            family["ready"].add_metric([], 1 if self._ready() else 0)
        if self._data_dir is not None:
            self._add_disk(family["disk_free"], family["disk_total"])
        for name, count in (self._drops() if self._drops is not None else {}).items():
            family["dropped"].add_metric([_label(name)], count)
        return list(family.values())

    @staticmethod
    def _empty() -> dict[str, Metric]:
        return {
            "uptime": GaugeMetricFamily(
                "kiosk_uptime_seconds", "Seconds since the daemon started."
            ),
            "state": GaugeMetricFamily(
                "kiosk_state", "1 for the current state, 0 for the others.", labels=("state",)
            ),
            "since_speech": GaugeMetricFamily(
                "kiosk_seconds_since_speech",
                "Seconds since the microphone last heard speech (since start if it has not yet).",
            ),
            "feed_age": GaugeMetricFamily(
                "kiosk_notice_feed_age_seconds",
                "Seconds since the live-notice feed in use was last confirmed (0 until one is).",
            ),
            "ready": GaugeMetricFamily("kiosk_ready", "1 when every required component is up."),
            "disk_free": GaugeMetricFamily(
                "kiosk_data_disk_free_bytes", "Free bytes on the data folder's filesystem."
            ),
            "disk_total": GaugeMetricFamily(
                "kiosk_data_disk_total_bytes", "Size of the data folder's filesystem in bytes."
            ),
            "dropped": CounterMetricFamily(
                "kiosk_event_drops_total",
                "Events dropped for slow subscribers.",
                labels=("subscriber",),
            ),
        }

    def _add_disk(self, free: GaugeMetricFamily, total: GaugeMetricFamily) -> None:
        assert self._data_dir is not None
        folder = self._data_dir.absolute()
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # not made yet: the filesystem it will be made on
        try:
            usage = shutil.disk_usage(folder)
        except OSError as err:  # a missing folder leaves the gauges out; readiness says why
            logger.warning("disk usage of %s unreadable: %s", self._data_dir, type(err).__name__)
            return
        free.add_metric([], usage.free)
        total.add_metric([], usage.total)
