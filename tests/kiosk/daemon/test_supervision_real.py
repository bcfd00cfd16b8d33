"""Supervision with the real models: a stuck stage costs one apology, not the kiosk."""

from __future__ import annotations

import asyncio
import threading

import numpy as np

from tests.kit.room import RoomSink, RoomSource, ScriptedAnswerer
from voice.audio import SAMPLE_RATE
from voice.stt import Transcript


class InstantTranscriber:
    """Hears every utterance as the same English question at once: this test is about the
    answer stage getting stuck, so recognition time (seconds on a shared CI box) stays out."""

    def __init__(self) -> None:
        self.received: list[int] = []

    async def transcribe_async(
        self, audio: bytes, language: str | None = None, names: list[str] | None = None
    ) -> Transcript:
        self.received.append(len(audio))
        return Transcript("Where is the elevator?", "en", 0.99, -0.2, 0.01, len(audio) / 32000)


def test_a_stuck_answer_is_cancelled_with_an_apology_and_the_next_turn_works(make_loop, questions):
    release = threading.Event()
    answerer = ScriptedAnswerer([["Never spoken."], ["The elevator is at exit one."]])
    answerer.stuck = release
    heard = InstantTranscriber()
    loop = make_loop(answerer=answerer, transcriber=heard, turn_budget_s=1.5)
    gap = np.zeros(SAMPLE_RATE * 6, dtype=np.int16)  # the budget plus the apology
    script = np.concatenate([questions["elevator"], gap, questions["elevator"]])
    sink = RoomSink()
    try:
        asyncio.run(loop.daemon.run(RoomSource(script, sink, echo_gain=0.0), sink))
    finally:
        release.set()

    errors = loop.events.of("turn_error")
    assert [(e.data["code"], e.data["stage"]) for e in errors] == [("turn-timeout", "answer")]
    stuck_turn = errors[0].turn_id
    apology = [e for e in loop.events.of("answer_sentence") if e.turn_id == stuck_turn]
    assert apology and apology[0].data["language"] == "en"
    assert apology[0].data["answer"].startswith("Sorry")
    done = loop.events.of("turn_done")
    assert [e.data["outcome"] for e in done] == ["answered"], loop.events.types()
    assert done[0].turn_id != stuck_turn
    assert sink.seconds > 2.0  # apology and the second answer were both heard
    assert len(heard.received) >= 2  # both utterances reached recognition
