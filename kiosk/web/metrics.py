"""Prometheus metrics, fed only from the event stream and rendered by hand.

The exposition format is a few lines of text; writing it here avoids a dependency on a kiosk
that must rebuild bit-for-bit, and feeding it only from `KioskEvent`s guarantees the numbers
describe exactly what the captions page and `/status` saw. Passenger text never reaches this
module: it reads `event.public_data` and label values come from closed vocabularies.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping

from kiosk.events import EventType, KioskEvent
from kiosk.phase import INITIAL, Phase, transition
from kiosk.stages import REPORTED

LATENCY_BUCKETS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0)
"""Seconds; dense under 2 s, where the speech-end-to-first-audio target lives."""

_LABEL_VALUE = re.compile(r"^[A-Za-z0-9_.:\-]{1,48}$")


def _label(value: object, default: str = "unknown") -> str:
    """Keep label values to a safe, bounded vocabulary (never free text)."""
    text = str(value) if value is not None else ""
    return text if _LABEL_VALUE.match(text) else default


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _format_labels(names: tuple[str, ...], values: tuple[str, ...]) -> str:
    if not names:
        return ""
    inner = ",".join(f'{n}="{_escape(v)}"' for n, v in zip(names, values, strict=True))
    return "{" + inner + "}"


def _format_value(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


class _Family:
    kind = "untyped"

    def __init__(self, name: str, help: str, labels: tuple[str, ...] = ()) -> None:
        self.name = name
        self.help = help
        self.labels = labels

    def header(self) -> list[str]:
        return [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} {self.kind}"]


class Counter(_Family):
    kind = "counter"

    def __init__(self, name: str, help: str, labels: tuple[str, ...] = ()) -> None:
        super().__init__(name, help, labels)
        self.values: dict[tuple[str, ...], float] = {}
        if not labels:
            self.values[()] = 0.0

    def inc(self, *labels: str, amount: float = 1.0) -> None:
        self.values[labels] = self.values.get(labels, 0.0) + amount

    def lines(self) -> list[str]:
        return [
            f"{self.name}{_format_labels(self.labels, k)} {_format_value(v)}"
            for k, v in sorted(self.values.items())
        ]


class Gauge(Counter):
    kind = "gauge"

    def set(self, value: float, *labels: str) -> None:
        self.values[labels] = float(value)


class Histogram(_Family):
    kind = "histogram"

    def __init__(
        self, name: str, help: str, labels: tuple[str, ...], buckets: Iterable[float]
    ) -> None:
        super().__init__(name, help, labels)
        self.buckets = tuple(sorted(buckets))
        self.counts: dict[tuple[str, ...], list[int]] = {}
        self.sums: dict[tuple[str, ...], float] = {}

    def observe(self, value: float, *labels: str) -> None:
        counts = self.counts.setdefault(labels, [0] * (len(self.buckets) + 1))
        for i, bound in enumerate(self.buckets):
            if value <= bound:
                counts[i] += 1
        counts[-1] += 1
        self.sums[labels] = self.sums.get(labels, 0.0) + value

    def lines(self) -> list[str]:
        out = []
        for key in sorted(self.counts):
            counts = self.counts[key]
            for bound, count in zip((*self.buckets, math.inf), counts, strict=True):
                labels = _format_labels((*self.labels, "le"), (*key, _format_value(bound)))
                out.append(f"{self.name}_bucket{labels} {count}")
            plain = _format_labels(self.labels, key)
            out.append(f"{self.name}_sum{plain} {_format_value(self.sums[key])}")
            out.append(f"{self.name}_count{plain} {counts[-1]}")
        return out


class KioskMetrics:
    """Counters and histograms for one kiosk; `observe` is an `EventBus` listener."""

    def __init__(
        self,
        *,
        kiosk_id: str = "kiosk-1",
        version: str = "",
        clock: Callable[[], float] = time.monotonic,
        drops: Callable[[], Mapping[str, int]] | None = None,
    ) -> None:
        self._clock = clock
        self._started = clock()
        self._drops = drops
        self._lock = threading.Lock()
        self._state = INITIAL
        self.info = Gauge(
            "kiosk_info", "Kiosk identity; the value is always 1.", ("kiosk_id", "version")
        )
        self.info.set(1, _label(kiosk_id), _label(version or "dev"))
        self.turns = Counter("kiosk_turns_total", "Finished turns.", ("outcome", "language"))
        self.latency = Histogram(
            "kiosk_stage_latency_seconds",
            "Latency per pipeline stage.",
            ("stage",),
            LATENCY_BUCKETS,
        )
        self.barge_ins = Counter("kiosk_barge_ins_total", "Playback interrupted by the passenger.")
        self.errors = Counter("kiosk_errors_total", "Errors by code.", ("code",))
        self.kb_version = Gauge("kiosk_kb_version", "Knowledge-base version in use.")
        self.audio_level = Gauge(
            "kiosk_audio_input_level_dbfs", "Most recent microphone level (dBFS)."
        )
        self.uptime = Gauge("kiosk_uptime_seconds", "Seconds since the daemon started.")
        self.state = Gauge("kiosk_state", "1 for the current state, 0 for the others.", ("state",))
        self.component_up = Gauge(
            "kiosk_component_up", "Device or model health from events (1 up).", ("component",)
        )
        self.dropped = Counter(
            "kiosk_event_drops_total", "Events dropped for slow subscribers.", ("subscriber",)
        )
        self.kb_version.set(0)
        self.kb_update_failures = Counter(
            "kiosk_kb_update_failures_total",
            "Signed knowledge-base updates refused or not fetched, by reason.",
            ("reason",),
        )
        self.audio_level.set(-math.inf)
        self._families = (
            self.info,
            self.turns,
            self.latency,
            self.barge_ins,
            self.errors,
            self.kb_version,
            self.audio_level,
            self.uptime,
            self.state,
            self.component_up,
            self.dropped,
            self.kb_update_failures,
        )

    def observe(self, event: KioskEvent) -> None:
        """Update from one event; reads only `public_data`."""
        data = event.public_data
        with self._lock:
            self._state = transition(self._state, event)
            kind = event.type
            if kind is EventType.TURN_DONE:
                self.turns.inc(_label(data.get("outcome")), _label(data.get("language")))
                self._observe_timings(data.get("timings_ms"))
            elif kind is EventType.TURN_ERROR:
                self.turns.inc("error", _label(data.get("language")))
                self.errors.inc(_label(data.get("code"), "unknown-error"))
                self._observe_timings(data.get("timings_ms"))
            elif kind is EventType.BARGE_IN:
                self.barge_ins.inc()
            elif kind in (EventType.DEVICE_LOST, EventType.MODEL_FAILED):
                self.errors.inc(_label(data.get("code"), kind.value))
                self.component_up.set(0, _label(data.get("component")))
            elif kind in (EventType.DEVICE_OK, EventType.MODEL_LOADED):
                self.component_up.set(1, _label(data.get("component")))
            elif kind is EventType.KB_RELOADED:
                self._set_number(self.kb_version, data.get("version"))
            elif kind is EventType.KB_UPDATE_FAILED:
                self.kb_update_failures.inc(_label(data.get("reason")))
            elif kind is EventType.AUDIO_LEVEL:
                self._set_number(self.audio_level, data.get("dbfs"))

    def _observe_timings(self, timings: object) -> None:
        if not isinstance(timings, Mapping):
            return
        for stage in REPORTED:
            value = timings.get(stage)
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                self.latency.observe(float(value) / 1000.0, stage)

    @staticmethod
    def _set_number(gauge: Gauge, value: object) -> None:
        if isinstance(value, int | float) and not isinstance(value, bool):
            gauge.set(float(value))

    def render(self) -> str:
        """The text exposition format, version 0.0.4."""
        with self._lock:
            self.uptime.set(round(self._clock() - self._started, 3))
            for phase in Phase:
                self.state.set(1 if self._state.phase is phase else 0, phase.value)
            if self._drops is not None:
                for name, count in self._drops().items():
                    self.dropped.values[(_label(name),)] = float(count)
            lines: list[str] = []
            for family in self._families:
                lines.extend(family.header())
                lines.extend(family.lines())
        return "\n".join(lines) + "\n"


CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
