"""Component health for `/readyz` and `/status`: what the kiosk needs to serve a passenger.

The daemon registers each component it depends on (models, knowledge base, audio input and
output) and reports on it as things change; `/readyz` answers 503 naming every component that
is not up. A component may also be a probe (a callable) that is asked at request time, which
suits things like "is the knowledge base file still open".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from kiosk.events import EventType, KioskEvent
from knowledge.serving import KbHealth

logger = logging.getLogger(__name__)

MODELS = "models"
KNOWLEDGE_BASE = "knowledge_base"
AUDIO_INPUT = "audio_input"
AUDIO_OUTPUT = "audio_output"


@dataclass(frozen=True, slots=True)
class ComponentStatus:
    """One component's health; `code` is a stable error code when not ok."""

    ok: bool
    code: str = ""
    detail: str = ""
    since: float = 0.0
    """Wall-clock time of the last change (epoch seconds)."""
    required: bool = True
    """Whether readiness depends on it (optional components are reported but do not fail)."""

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"ok": self.ok, "required": self.required, "since": self.since}
        if self.code:
            out["code"] = self.code
        if self.detail:
            out["detail"] = self.detail
        return out


Probe = Callable[[], ComponentStatus | bool]


class Health:
    """Thread-safe registry: components start 'starting' (not ready) until reported ok."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._status: dict[str, ComponentStatus] = {}
        self._probes: dict[str, tuple[Probe, bool]] = {}

    def register(self, name: str, *, required: bool = True, detail: str = "starting") -> None:
        """Declare a component; it counts as not ready until `set_ok`."""
        with self._lock:
            if name not in self._status:
                self._status[name] = ComponentStatus(
                    False, "starting", detail, self._clock(), required
                )

    def register_probe(self, name: str, probe: Probe, *, required: bool = True) -> None:
        """A component whose health is asked at request time; a raising probe counts as down."""
        with self._lock:
            self._probes[name] = (probe, required)

    def set_ok(self, name: str, detail: str = "") -> None:
        self._set(name, ok=True, code="", detail=detail)

    def set_failed(self, name: str, code: str, detail: str = "") -> None:
        self._set(name, ok=False, code=code, detail=detail)

    def _set(self, name: str, *, ok: bool, code: str, detail: str) -> None:
        with self._lock:
            old = self._status.get(name)
            required = old.required if old else True
            if old and old.ok == ok and old.code == code and old.detail == detail:
                return
            self._status[name] = ComponentStatus(ok, code, detail, self._clock(), required)
        if ok:
            logger.info("component %s ok", name)
        else:
            logger.warning("component %s failed [%s]", name, code)

    def observe(self, event: KioskEvent) -> None:
        """`EventBus` listener: device and model events update the matching component."""
        data = event.public_data
        component = data.get("component")
        if not isinstance(component, str) or not component:
            return
        detail = str(data.get("detail", ""))
        if event.type in (EventType.DEVICE_LOST, EventType.MODEL_FAILED):
            self.set_failed(component, str(data.get("code") or event.type.value), detail)
        elif event.type in (EventType.DEVICE_OK, EventType.MODEL_LOADED):
            self.set_ok(component, detail)

    def snapshot(self) -> dict[str, ComponentStatus]:
        """Every component's status, probes asked now."""
        with self._lock:
            status = dict(self._status)
            probes = dict(self._probes)
        for name, (probe, required) in probes.items():
            status[name] = self._ask(probe, required)
        return dict(sorted(status.items()))

    def _ask(self, probe: Probe, required: bool) -> ComponentStatus:
        now = self._clock()
        try:
            result = probe()
        except Exception as err:
            return ComponentStatus(False, "probe-failed", type(err).__name__, now, required)
        if isinstance(result, ComponentStatus):
            return ComponentStatus(
                result.ok, result.code, result.detail, result.since or now, required
            )
        return ComponentStatus(bool(result), "" if result else "down", "", now, required)

    def failing(self) -> dict[str, ComponentStatus]:
        """Required components that are not ok: empty means ready."""
        return {n: s for n, s in self.snapshot().items() if s.required and not s.ok}

    @property
    def ready(self) -> bool:
        return not self.failing()


def knowledge_probe(kb: _HasHealth) -> Probe:
    """`/readyz` asks the knowledge base itself: a snapshot damaged while serving, reads failing
    in a row or nothing readable make the kiosk unready at once, with the reason (#17.2)."""

    def probe() -> ComponentStatus:
        health = kb.health()
        if health.ok:
            detail = f"version {health.version}, {health.errors} storage error(s) so far"
            return ComponentStatus(True, detail=detail)
        return ComponentStatus(False, health.code, health.detail)

    return probe


class _HasHealth(Protocol):
    def health(self) -> KbHealth: ...
