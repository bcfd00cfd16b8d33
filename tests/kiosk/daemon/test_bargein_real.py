"""Barge-in in a simulated enclosure: the microphone hears the passenger AND the kiosk's voice.

Real Whisper and Piper; the answerer is scripted so the reply is long enough to talk over.
The speaker is a real-time `MemorySink` that timestamps each block, so the stop latency is
measured from the passenger's speech onset (in the microphone signal) to the end of the last
audible block the speaker emitted.
"""

from __future__ import annotations

import asyncio
import re

import numpy as np

from tests.kiosk.daemon.conftest import QUESTIONS
from tests.kit.room import RoomSink, RoomSource, ScriptedAnswerer, onset
from tests.voice.audio_helpers import BURST_NOISE, noise

LONG_REPLY = [
    "Gangnam station has four elevators on line two.",
    "One is on the platform toward Yeoksam, near door eight one.",
    "Another is on the platform toward the University of Education, near door three four.",
    "The others are at exit one and at exit ten.",
]
SHORT_REPLY = ["Line two and line eight stop at Jamsil."]


def _run(loop, script: np.ndarray, **room) -> tuple[RoomSource, RoomSink]:
    sink = RoomSink()
    source = RoomSource(script, sink, **room)
    asyncio.run(loop.daemon.run(source, sink))
    return source, sink


def test_passenger_speech_stops_the_reply_within_200_ms_and_starts_a_new_turn(make_loop, questions):
    answerer = ScriptedAnswerer([LONG_REPLY, SHORT_REPLY])
    loop = make_loop(answerer=answerer)
    # The speaker comes back into the microphone at -10 dB; the passenger asks again 1.5 s
    # into the reply.
    source, sink = _run(
        loop, questions["elevator"], echo_gain=0.3, insert=questions["jamsil"], insert_after_s=1.5
    )

    barges = loop.events.of("barge_in")
    assert len(barges) == 1, loop.events.types()
    assert source.inserted_at is not None
    speech_onset = source.wall_time(source.inserted_at + onset(questions["jamsil"]))
    stopped = barges[0].t  # playback.stop() runs just before barge_in is published; asyncio's
    # loop clock is time.monotonic, the events' clock
    first_turn = barges[0].turn_id
    # The last block of the first reply the speaker started before the stop, played to its end.
    heard_until = max(t for t, _ in sink.blocks if t <= stopped) + 0.02
    decision_to_silence_ms = (heard_until - stopped) * 1000
    onset_to_silence_ms = (heard_until - speech_onset) * 1000
    print(
        f"barge-in: onset->decision {(stopped - speech_onset) * 1000:.0f} ms, "
        f"decision->silence {decision_to_silence_ms:.0f} ms, "
        f"speech onset->silence {onset_to_silence_ms:.0f} ms "
        f"(includes the {loop.daemon.config.barge_in.min_speech_s * 1000:.0f} ms of speech "
        "required so a cough does not interrupt)"
    )
    assert speech_onset < stopped, "stopped before the passenger spoke: own voice triggered it"
    assert decision_to_silence_ms < 200
    assert onset_to_silence_ms < 500  # loose: the loop shares 2 cores with Whisper and Piper
    # The interrupted turn ends as such; the new question becomes its own answered turn.
    done = {e.turn_id: e.data["outcome"] for e in loop.events.of("turn_done")}
    assert done[first_turn] == "interrupted"
    # The passenger's question starts a turn of its own. Whether Whisper base is confident
    # about it depends on how much of the kiosk's own voice is still mixed in (the replayed
    # 0.8 s before the decision): it is sometimes rejected by a guard (low confidence,
    # no speech, the station prompt echoed), so recognition is checked only when accepted.
    rejected = [e.data.get("reason") for e in loop.events.of("transcript_rejected")]
    later = [v for k, v in done.items() if k != first_turn]
    assert later and set(later) <= {"answered", "no_speech"}, (done, rejected)
    if "answered" in later:
        assert len(answerer.received) == 2
        # The passenger's question, not the kiosk's echo: most of its words were heard (Whisper
        # base under the echo has given "Jandle" for "Jamsil" and "top" for "stop").
        heard = set(re.findall(r"\w+", answerer.received[1].lower()))
        asked = set(re.findall(r"\w+", QUESTIONS["jamsil"].lower()))
        assert len(heard & asked) >= len(asked) * 2 / 3, heard
    else:  # rejected by a confidence guard, not lost elsewhere
        guards = {"low-confidence", "no-speech", "prompt-echo"}
        assert rejected and set(rejected) <= guards, rejected


def test_own_voice_and_a_cough_do_not_interrupt_the_reply(make_loop, questions):
    loop = make_loop(answerer=ScriptedAnswerer([LONG_REPLY[:2]]))
    # A 100 ms speech-like burst, loud (about -14 dBFS RMS), while the reply is playing; the
    # speaker comes back at -3 dB (a poor enclosure).
    cough = noise(0.1, level_dbfs=-14.0, path=BURST_NOISE)
    _, sink = _run(loop, questions["elevator"], echo_gain=0.7, insert=cough, insert_after_s=1.5)

    assert loop.events.of("barge_in") == [], loop.events.types()
    stops = [e.data["reason"] for e in loop.events.of("playback_stopped")]
    assert stops == ["finished"]
    assert loop.events.of("turn_done")[0].data["outcome"] == "answered"
    assert sink.seconds > 5.0  # the whole reply was heard
