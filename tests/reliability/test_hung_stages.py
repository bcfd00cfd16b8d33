"""Hung stages: a stage that never returns is cut by the turn budget and the next turn works;
a stage that blocks the event loop silences the systemd watchdog, so systemd restarts us.

The answer stage getting stuck is covered in tests/kiosk/daemon/test_supervision_real.py; here
recognition and synthesis hang, and the pipeline's worker threads are checked for leaks.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import threading
import time
from pathlib import Path

import pytest

from kiosk.app import Kiosk
from kiosk.config import Settings
from kiosk.pipeline import TurnPipeline
from kiosk.watchdog import SystemdNotifier, run_watchdog
from tests.kit.faults import (
    FaultySpeaker,
    FaultyTranscriber,
    make_daemon,
    recover_after_first_error,
)
from voice.audio import MemorySink, WavFileSource

BUDGET_S = 1.5


@pytest.mark.parametrize("stage", ["stt", "tts"])
def test_a_stage_that_never_returns_is_cancelled_by_the_turn_budget(
    stage: str, real_kiosk: Kiosk, kiosk_settings: Settings, apologies, two_questions_wav: Path
):
    transcriber = FaultyTranscriber(mode="hang", failing=stage == "stt")
    speaker = FaultySpeaker(real_kiosk.speaker, mode="hang", failing=stage == "tts")
    runner = TurnPipeline(transcriber, real_kiosk.answerer, speaker, station="강남")
    daemon, bus, events = make_daemon(
        kiosk_settings, runner, apologies, turn_budget_s=BUDGET_S, speculative_stt=False
    )
    recover_after_first_error(bus, transcriber, speaker, daemon=daemon)
    try:
        asyncio.run(daemon.run(WavFileSource(two_questions_wav, realtime=True), MemorySink()))
    finally:
        runner.close()

    errors = events.of("turn_error")
    assert [(e.data["code"], e.data["stage"]) for e in errors] == [("turn-timeout", stage)]
    started = next(e.t for e in events.of("speech_ended") if e.turn_id == errors[0].turn_id)
    assert errors[0].t - started < BUDGET_S + 2.0  # cut at the budget (plus the apology)
    done = events.of("turn_done")
    assert [e.data["outcome"] for e in done] == ["answered"], events.types()


class _StuckAnswerer:
    """An answerer whose model call never returns until released (a wedged llama.cpp)."""

    def __init__(self, release: threading.Event) -> None:
        self.release = release

    def stream(self, question, **kwargs):
        self.release.wait(60)
        raise RuntimeError("released")


class _Speaker:
    async def stream(self, text, lang, rate=1.0):  # pragma: no cover - never reached
        if False:
            yield None


def test_cancelled_stuck_turns_leave_no_thread_behind_once_the_model_returns():
    release = threading.Event()
    runner = TurnPipeline(None, _StuckAnswerer(release), _Speaker(), station="강남")  # type: ignore[arg-type]
    before = threading.active_count()

    async def scenario() -> int:
        for _ in range(5):
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(runner.answer_and_speak("q", MemorySink()), 0.2)
        return threading.active_count()

    try:
        during = asyncio.run(scenario())
        assert during <= before + 5  # one abandoned worker per stuck turn, no more
    finally:
        release.set()
        runner.close()
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= before  # the abandoned workers all exited


def test_a_stage_blocking_the_event_loop_stops_the_watchdog_pings(
    real_kiosk: Kiosk, kiosk_settings: Settings, apologies, two_questions_wav: Path, tmp_path: Path
):
    """The watchdog task runs on the daemon's loop; a stage that blocks it (here recognition
    sleeping on the loop for 2.5 s) leaves a gap in WATCHDOG=1 longer than the block."""
    path = str(tmp_path / "notify.sock")
    systemd = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    systemd.bind(path)
    arrivals: list[float] = []
    stop = threading.Event()

    def listen() -> None:
        systemd.settimeout(0.05)
        while not stop.is_set():
            try:
                if systemd.recv(64) == b"WATCHDOG=1":
                    arrivals.append(time.monotonic())
            except TimeoutError:
                continue

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    transcriber = FaultyTranscriber(mode="block", block_s=2.5)
    runner = TurnPipeline(transcriber, real_kiosk.answerer, real_kiosk.speaker, station="강남")
    daemon, bus, _ = make_daemon(kiosk_settings, runner, apologies, speculative_stt=False)
    recover_after_first_error(bus, transcriber)
    blocked: list[float] = []
    original = transcriber.transcribe_async

    async def timed(audio: bytes, language: str | None = None):
        start = time.monotonic()
        try:
            return await original(audio, language)
        finally:
            if transcriber.failing:
                blocked.append(start)
                transcriber.failing = False

    transcriber.transcribe_async = timed  # type: ignore[method-assign]

    async def scenario() -> None:
        notifier = SystemdNotifier({"NOTIFY_SOCKET": path})
        pings = asyncio.create_task(run_watchdog(notifier, interval=0.1))
        try:
            await daemon.run(WavFileSource(two_questions_wav, realtime=True), MemorySink())
        finally:
            pings.cancel()

    try:
        asyncio.run(scenario())
    finally:
        stop.set()
        listener.join(2)
        systemd.close()
        runner.close()
    assert blocked, "the blocking stage never ran"
    start = blocked[0]
    inside = [t for t in arrivals if start + 0.05 < t < start + 2.4]
    assert inside == [], f"pings arrived while the loop was blocked: {inside}"
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert max(gaps) >= 2.4  # systemd (WatchdogSec=2s) would have restarted the kiosk
    assert sum(1 for t in arrivals if t > start + 2.6) > 5  # and pings resumed after
