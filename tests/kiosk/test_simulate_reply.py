"""A file played as the reply to the kiosk's "Did you mean …?" (`kiosk.simulate.simulate_file`
with a conversation that has an offer pending): a bare "yes" is heard, as in the daemon.

`kiosk demo` plays the passenger's reply as its own file; Piper's "Yes." was sometimes shorter
than the shortest question the endpointer takes (0.4 s) and the demo reported no speech."""

from __future__ import annotations

import asyncio

import numpy as np

from kiosk.simulate import simulate_file
from kiosk.turn import TurnResult
from knowledge.answers.types import Context, Offer
from tests.voice.audio_helpers import flite_say
from voice.audio import SAMPLE_RATE, write_wav
from voice.vad import SegmenterConfig


class HeardPipeline:
    """Answers every utterance it is given; counts them."""

    def __init__(self) -> None:
        self.heard = 0

    async def run(self, audio, sink, *, context, station, transcript) -> TurnResult:
        self.heard += 1
        return TurnResult("Yes", "en", "answered", "Jamsil Station is served by Line 2.")


def _short_yes(tmp_path):
    """flite's "Yes." cut to 0.3 s of speech, between silences."""
    speech = flite_say("Yes.", "kal16")
    voiced = np.flatnonzero(np.abs(speech) > 500)
    start = int(voiced[0])
    short = speech[start : start + int(0.3 * SAMPLE_RATE)]
    pad = np.zeros(SAMPLE_RATE, dtype=np.int16)
    path = tmp_path / "yes.wav"
    write_wav(path, np.concatenate([pad, short, pad, pad]))
    return path


def _turns(path, context: Context | None) -> tuple[int, list[dict]]:
    pipeline = HeardPipeline()
    records = asyncio.run(
        simulate_file(pipeline, path, vad=SegmenterConfig(), context=context, speculative=False)
    )  # type: ignore[arg-type]
    return pipeline.heard, records


def test_a_short_yes_is_heard_only_as_a_reply(tmp_path) -> None:
    path = _short_yes(tmp_path)
    heard, records = _turns(path, None)
    assert heard == 0 and records[0]["outcome"] == "no_speech"  # too short for a question
    asked = Context()
    asked.offered = (Offer("잠실", "Jamsil", "Which lines stop at Jamsil?"),)
    heard, records = _turns(path, asked)
    assert heard == 1 and records[0]["outcome"] == "answered"
