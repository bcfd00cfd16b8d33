"""The event bus: one publish, many consumers, never blocking the pipeline."""

from __future__ import annotations

import asyncio
import threading

import pytest

from kiosk.events import PASSENGER_TEXT_KEYS, EventBus, EventType, KioskEvent

E = EventType


def test_public_data_drops_passenger_text() -> None:
    event = KioskEvent.now(E.TRANSCRIPT, turn_id="t1", transcript="강남역 출구", language="ko")
    assert event.public_data == {"turn_id": "t1", "language": "ko"}
    assert {"transcript", "answer"} == PASSENGER_TEXT_KEYS
    assert event.data["transcript"] == "강남역 출구"


def test_event_data_is_read_only_and_typed() -> None:
    event = KioskEvent.now("turn_done", turn_id="t1")
    assert event.type is EventType.TURN_DONE
    with pytest.raises(TypeError):
        event.data["turn_id"] = "other"  # type: ignore[index]
    with pytest.raises(ValueError):
        KioskEvent.now("no_such_event")


def test_listeners_run_inline_and_a_failing_one_does_not_stop_others() -> None:
    bus = EventBus()
    seen: list[EventType] = []

    def broken(_event: KioskEvent) -> None:
        raise RuntimeError("listener bug")

    bus.add_listener(broken)
    remove = bus.add_listener(lambda e: seen.append(e.type))
    bus.emit(EventType.SPEECH_STARTED, turn_id="t1")
    remove()
    bus.emit(EventType.SPEECH_ENDED, turn_id="t1")
    assert seen == [EventType.SPEECH_STARTED]


def test_every_subscriber_gets_every_event_in_order() -> None:
    async def scenario() -> tuple[list[str], list[str]]:
        bus = EventBus()
        a, b = bus.subscribe("a"), bus.subscribe("b")
        for i in range(5):
            bus.emit(EventType.AUDIO_LEVEL, dbfs=-float(i))
        bus.close()
        got_a = [str(e.data["dbfs"]) async for e in a]
        got_b = [str(e.data["dbfs"]) async for e in b]
        return got_a, got_b

    got_a, got_b = asyncio.run(scenario())
    assert got_a == got_b == ["-0.0", "-1.0", "-2.0", "-3.0", "-4.0"]


def test_slow_subscriber_drops_oldest_and_publisher_never_waits() -> None:
    async def scenario() -> tuple[list[int], int, dict[str, int]]:
        bus = EventBus()
        slow = bus.subscribe("slow", maxsize=3)
        for i in range(10):
            bus.emit(EventType.KB_RELOADED, version=i)  # returns at once though nobody reads
        bus.close()
        versions = [e.data["version"] async for e in slow]
        return versions, slow.dropped, bus.drops()

    versions, dropped, drops = asyncio.run(scenario())
    assert versions == [7, 8, 9]  # the newest survive
    assert dropped == 7
    assert drops == {"slow": 7}


def test_publish_from_another_thread_reaches_the_loop() -> None:
    async def scenario() -> list[str]:
        bus = EventBus()
        sub = bus.subscribe("captions")
        thread = threading.Thread(
            target=lambda: [bus.emit(EventType.TURN_DONE, turn_id=f"t{i}") for i in range(3)]
        )
        thread.start()
        got = [(await sub.get(timeout=2)).turn_id for _ in range(3)]  # type: ignore[union-attr]
        thread.join()
        return got

    assert asyncio.run(scenario()) == ["t0", "t1", "t2"]


def test_get_times_out_with_none_and_close_wakes_a_waiting_consumer() -> None:
    async def scenario() -> tuple[object, bool]:
        bus = EventBus()
        sub = bus.subscribe()
        timed_out = await sub.get(timeout=0.01)
        waiter = asyncio.create_task(sub.get())
        await asyncio.sleep(0.01)
        sub.close()
        with pytest.raises(StopAsyncIteration):
            await waiter
        return timed_out, bus.subscriber_count == 0

    timed_out, forgotten = asyncio.run(scenario())
    assert timed_out is None
    assert forgotten


def test_subscribing_after_close_ends_at_once() -> None:
    async def scenario() -> list[KioskEvent]:
        bus = EventBus()
        bus.close()
        return [e async for e in bus.subscribe()]

    assert asyncio.run(scenario()) == []
