"""A listener that keeps every event of a bus, for assertions on what the kiosk published."""

from __future__ import annotations

from kiosk.events import EventBus, KioskEvent


class Recorder:
    """Every event of a bus, in order."""

    def __init__(self, bus: EventBus) -> None:
        self.events: list[KioskEvent] = []
        bus.add_listener(self.events.append)

    def of(self, kind: str) -> list[KioskEvent]:
        return [e for e in self.events if e.type == kind]

    def types(self, turn_id: str | None = None) -> list[str]:
        return [e.type.value for e in self.events if turn_id is None or e.turn_id == turn_id]
