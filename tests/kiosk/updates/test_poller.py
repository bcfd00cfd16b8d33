"""The daemon's poller: its schedule (pure), and its wiring to a real repository over HTTP, the
event bus and `/metrics` of a real kiosk HTTP server."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import httpx
import pytest

from kiosk.config import UpdateSettings
from kiosk.events import EventBus
from kiosk.health import Health
from kiosk.updates.client import PullResult, UpdateRejected
from kiosk.updates.poller import Backoff, run_poller, update_poller
from kiosk.web.server import KioskServer
from knowledge.errors import KnowledgeError
from knowledge.store import KnowledgeBase
from tests.kiosk.updates.conftest import Releases, World
from tests.kit.admin import FakeKnowledgeAdmin
from tests.kit.events import Recorder
from tests.kit.settings import make_settings

BACKOFF = Backoff(interval_s=900, jitter=0.1, initial_s=60, max_s=3600)


def test_waits_are_jittered_around_the_interval_and_back_off_after_failures() -> None:
    assert BACKOFF.delay(0, 0.0) == pytest.approx(810)
    assert BACKOFF.delay(0, 1.0) == pytest.approx(990)
    assert BACKOFF.delay(0, 0.5) == 900
    assert [BACKOFF.delay(n, 0.5) for n in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]
    assert 0 <= BACKOFF.first_delay(0.99) < 90


def test_the_poller_backs_off_on_failures_and_resets_after_a_success() -> None:
    outcomes: list[object] = [
        UpdateRejected("tampered", "bad artifact"),
        UpdateRejected("unreachable", "down"),
        PullResult("updated", 3, 7, 1000, 0.1),
        RuntimeError("disk on fire"),
    ]
    failures: list[str] = []
    waits: list[float] = []

    def pull() -> PullResult:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome  # type: ignore[return-value]

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        if not outcomes:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(
            run_poller(
                pull, BACKOFF, lambda r, _d: failures.append(r), sleep=sleep, draw=lambda: 0.5
            )
        )
    assert failures == ["tampered", "unreachable", "local-error"]
    assert waits == [45, 60, 120, 900, 60]


def serving(kb: KnowledgeBase) -> int | None:
    """The version a query would use now (None before the first)."""
    try:
        return kb.version
    except KnowledgeError:
        return None


def test_no_url_no_poller(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    assert update_poller(settings, KnowledgeBase(tmp_path / "kb", None), EventBus()) is None


def test_a_refused_update_is_counted_in_metrics_and_a_good_one_then_serves(
    world: World, releases: Releases, tmp_path: Path
) -> None:
    """The daemon's poller against the real repository: a tampered artifact is refused and
    counted in /metrics over HTTP; once the genuine file is back the kiosk serves it."""
    world.repo.publish_snapshot(releases.one)
    path = next((world.served / "targets" / "kb").glob("*.snapshot.sqlite.gz"))
    genuine = path.read_bytes()
    path.write_bytes(genuine[:-1] + bytes([genuine[-1] ^ 1]))
    fast = UpdateSettings(
        url=world.url,
        trusted_root=world.root,
        interval_s=0.05,
        jitter=0.0,
        backoff_initial_s=0.05,
        backoff_max_s=0.05,
    )
    settings = dataclasses.replace(make_settings(tmp_path / "var"), updates=fast)
    kb = KnowledgeBase(tmp_path / "kiosk-kb", None)
    bus = EventBus()
    events = Recorder(bus)
    server = KioskServer(settings, bus, Health(), admin=FakeKnowledgeAdmin(), port=0)  # type: ignore[arg-type]

    async def until(condition, limit_s: float = 20.0) -> None:
        for _ in range(int(limit_s / 0.02)):
            if condition():
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"never happened; events: {[e.type for e in events.events]}")

    async def scenario() -> tuple[str, int | None]:
        await server.start()
        poller = update_poller(settings, kb, bus)
        assert poller is not None
        task = asyncio.create_task(poller)
        try:
            await until(lambda: len(events.of("kb_update_failed")) >= 2)
            assert serving(kb) is None  # nothing unverified was ever served
            async with httpx.AsyncClient(base_url=server.url) as client:
                metrics = (await client.get("/metrics")).text
            path.write_bytes(genuine)
            await until(lambda: serving(kb) == 1)
            return metrics, kb.version
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await server.stop()

    metrics, version = asyncio.run(scenario())
    failed = events.of("kb_update_failed")[0]
    assert failed.data["reason"] == "tampered" and "unchanged" in failed.data["detail"]
    counted = [
        line for line in metrics.splitlines() if line.startswith("kiosk_kb_update_failures_total")
    ]
    assert len(counted) == 1 and counted[0].startswith(
        'kiosk_kb_update_failures_total{reason="tampered"} '
    )
    assert float(counted[0].split()[-1]) >= 2
    assert version == 1
    kb.close()
