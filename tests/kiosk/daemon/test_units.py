"""Fast tests with fakes: barge-in decisions, interruptible playback, context window, budget."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from kiosk.bargein import BargeInConfig, BargeInDetector
from kiosk.conversation import ApologyBank, Conversation
from kiosk.pipeline import TurnPipeline
from kiosk.playback import Playback
from tests.kit.paths import REPO
from tests.kit.room import ScriptedAnswerer
from voice.audio import SAMPLE_RATE, AudioChunk, MemorySink


def _frames(detector: BargeInDetector, n: int, level: float, speech: bool, ref: float) -> bool:
    return any([detector.process(level, speech, ref) for _ in range(n)])


def test_a_cough_is_too_short_but_a_question_is_not():
    detector = BargeInDetector(BargeInConfig())
    assert not _frames(detector, 10, -20.0, True, -100.0)  # 100 ms
    assert not _frames(detector, 30, -90.0, False, -100.0)
    assert _frames(detector, 12, -20.0, True, -100.0)  # 120 ms


def test_gaps_between_syllables_do_not_reset_the_count():
    detector = BargeInDetector(BargeInConfig())
    assert not _frames(detector, 7, -20.0, True, -100.0)
    assert not _frames(detector, 4, -60.0, False, -100.0)  # a 40 ms gap
    assert _frames(detector, 5, -20.0, True, -100.0)


def test_own_voice_is_below_the_bar_and_the_echo_gain_is_learnt():
    detector = BargeInDetector(BargeInConfig())
    assert detector.threshold_dbfs(-20.0) == pytest.approx(-14.0)  # 0 dB assumed at first
    # A second of playback heard back at -6 dB: the learnt gain follows, echo never triggers.
    assert not _frames(detector, 100, -26.0, True, -20.0)
    assert detector.echo_gain_db == pytest.approx(-6.0, abs=0.5)
    # A passenger 6 dB over the echo's bar stops it.
    assert _frames(detector, 12, -13.0, True, -20.0)


def test_barge_in_config_is_validated():
    with pytest.raises(ValueError):
        BargeInConfig(min_speech_s=0.3, span_s=0.2)
    with pytest.raises(ValueError):
        BargeInConfig(frame_ms=15)


def test_playback_stops_a_realtime_sink_within_one_block():
    tone = (np.sin(np.arange(3 * SAMPLE_RATE) * 0.1) * 8000).astype(np.int16)

    async def scenario() -> tuple[float, float, float]:
        sink = MemorySink(realtime=True)
        playback = Playback(sink)
        await playback.play(AudioChunk(tone))  # one 3 s "sentence"
        await asyncio.sleep(0.5)
        assert playback.playing
        stopped = time.monotonic()
        playback.stop()
        at_stop = sink.seconds
        await asyncio.sleep(0.3)
        assert not playback.playing
        return at_stop, sink.seconds, stopped

    at_stop, later, _ = asyncio.run(scenario())
    assert 0.4 < at_stop < 0.6
    # Nothing more was played after stop(): the block in progress was the last one.
    assert later - at_stop <= 0.02 + 1e-9


def test_playback_records_the_reference_level():
    async def scenario() -> tuple[float, float]:
        playback = Playback(MemorySink(), realtime=True)
        loud = (np.ones(SAMPLE_RATE // 5) * 16000).astype(np.int16)
        await playback.play(AudioChunk(loud))
        await playback.drain()
        now = asyncio.get_running_loop().time()
        return playback.reference_dbfs(now, 0.1), playback.reference_dbfs(now + 1.0, 0.1)

    during, after = asyncio.run(scenario())
    assert -7.0 < during < -5.0  # 16000 / 32768 = -6.2 dBFS
    assert after == -100.0


def test_conversation_context_is_kept_within_the_window_then_reset():
    now = [0.0]
    conversation = Conversation(window_s=30.0, clock=lambda: now[0])
    first = conversation.current()
    conversation.touch()
    now[0] = 29.0
    assert conversation.current() is first
    now[0] = 60.0
    assert conversation.current() is not first


class _Voice:
    async def stream(self, text: str, lang: str, rate: float = 1.0):
        if lang == "zh":
            raise RuntimeError("no voice")
        yield AudioChunk(np.ones(160, dtype=np.int16))


def test_apologies_fall_back_to_the_default_language():
    bank = asyncio.run(ApologyBank.build(_Voice(), ("ko", "en", "zh"), "ko"))
    assert set(bank.audio) == {"ko", "en"}
    assert bank.text("zh")[0] == "ko" and bank.text("en")[1].startswith("Sorry")
    assert bank.chunks("en")


class _Speaker:
    async def stream(self, text: str, lang: str, rate: float = 1.0):
        yield AudioChunk(np.ones(160, dtype=np.int16))


def test_a_cancelled_turn_does_not_wait_for_a_stuck_answer_worker():
    release = threading.Event()
    stuck = ScriptedAnswerer([["never"], ["Second answer."]], stuck=release)
    runner = TurnPipeline(None, stuck, _Speaker(), station="강남")  # type: ignore[arg-type]

    async def scenario() -> float:
        first = asyncio.create_task(runner.answer_and_speak("q1", MemorySink()))
        await asyncio.sleep(0.2)
        first.cancel()
        started = time.monotonic()
        result = await asyncio.wait_for(runner.answer_and_speak("q2", MemorySink()), 5)
        assert result.answer == "Second answer."
        return time.monotonic() - started

    try:
        assert asyncio.run(scenario()) < 2.0
    finally:
        release.set()
        runner.close()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not here")
def test_systemd_unit_verifies(tmp_path):
    unit = (REPO / "systemd" / "kiosk.service").read_text(encoding="utf-8")
    for needed in ("Type=notify", "WatchdogSec=", "Restart=always", "ProtectSystem=strict",
                   "LimitNOFILE=",
                   "PrivateTmp=true", "NoNewPrivileges=true", "StateDirectory=kiosk"):  # fmt: skip
        assert needed in unit
    # The unit names the deployed path; verify it against this checkout's entry point instead.
    local = Path(sys.executable).with_name("kiosk")
    (tmp_path / "kiosk.service").write_text(
        unit.replace("/opt/kiosk/.venv/bin/kiosk", str(local)), encoding="utf-8"
    )
    result = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / "kiosk.service")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [line for line in result.stderr.splitlines() if "kiosk.service" in line]
    assert result.returncode == 0 and not problems, result.stderr


class _Transcriber:
    def __init__(self, text: str) -> None:
        self.text = text

    async def transcribe_async(self, audio, language=None, names=None):
        from voice.stt import Transcript

        return Transcript(self.text, "en", 0.99, -0.2, 0.01, 1.0)


class _FirstSentenceAnswerer(ScriptedAnswerer):
    """Says how its answer starts; None (the LLM's turn) for questions about the weather."""

    def __init__(self) -> None:
        super().__init__(["Gangnam Station has 4 elevators. Line 2: exit 1."])
        self.asked: list[tuple[str, object]] = []

    def first_sentence(self, question, *, station=None, stt_language=None, context=None):
        self.asked.append((question, context))
        if "weather" in question:
            return None
        return "Gangnam Station has 4 elevators.", "en", 1.0


class _ToneVoice:
    """One tone per sentence at 16 kHz; remembers what it was asked to say."""

    sample_rate = SAMPLE_RATE

    def __init__(self) -> None:
        self.spoken: list[str] = []

    def synthesize(self, text: str, lang: str, rate: float = 1.0):
        from voice.speechnorm import normalize, split_sentences

        for sentence in split_sentences(normalize(text, lang), lang):
            self.spoken.append(sentence)
            yield AudioChunk(np.full(1600, 3000, dtype=np.int16))


def test_the_first_sentence_is_synthesised_before_the_endpoint_and_only_then():
    from voice.tts import MultiVoice, PhraseCache, SpeechWorker

    async def ahead(text: str) -> tuple[int, list]:
        voice = _ToneVoice()
        speaker = SpeechWorker(PhraseCache(MultiVoice({"en": voice})))
        answerer = _FirstSentenceAnswerer()
        runner = TurnPipeline(_Transcriber(text), answerer, speaker, station="강남")
        transcript = await runner.transcribe_ahead(b"\0" * 3200, station="강남")
        assert transcript.text == text  # returned at once; the sentence follows in background
        await asyncio.gather(*runner._preparing)
        runner.close()
        speaker.close()
        return len(speaker.synthesizer), voice.spoken  # type: ignore[arg-type]

    cached, spoken = asyncio.run(ahead("Where is the elevator?"))
    assert cached == 1 and spoken == ["Gangnam Station has four elevators."]
    cached, spoken = asyncio.run(ahead("How is the weather?"))  # left to the LLM: nothing
    assert cached == 0 and spoken == []


class _OfferingNames:
    """A `NameChecker` stand-in that asks about Sema."""

    def check(self, transcript, station, context=None):
        from kiosk.name_decision import NameCheck
        from knowledge.answers.types import Offer

        offer = Offer("세마", "Sema", "How can I get to Sema station?")
        return NameCheck(transcript.text, offers=(offer,), rescored=True)


class _AskingAnswerer(_FirstSentenceAnswerer):
    def first_sentence(self, question, *, station=None, stt_language=None, context=None,
                       offers=(), unheard=False):  # fmt: skip
        self.asked.append((question, offers))
        if offers:
            return f"Did you mean {offers[0].name}?", "en", 1.0
        return super().first_sentence(question, station=station, context=context)


def test_the_question_back_is_prepared_ahead_when_the_name_is_doubtful():
    """The name check runs during the hangover; its "Did you mean Sema?" is what is prepared
    (the answer to the misheard question would never be said)."""
    from voice.tts import MultiVoice, PhraseCache, SpeechWorker

    async def ahead() -> tuple[list, list]:
        voice = _ToneVoice()
        speaker = SpeechWorker(PhraseCache(MultiVoice({"en": voice})))
        answerer = _AskingAnswerer()
        runner = TurnPipeline(_Transcriber("How can I get to Seema station?"), answerer,
                              speaker, station="강남", names=_OfferingNames())  # fmt: skip
        await runner.transcribe_ahead(b"\0" * 3200, station="강남")
        await asyncio.gather(*runner._preparing)
        runner.close()
        speaker.close()
        return answerer.asked, voice.spoken

    asked, spoken = asyncio.run(ahead())
    assert spoken == ["Did you mean Sema?"]
    assert [offers[0].name for _, offers in asked] == ["Sema"]


class _CountingNames:
    """A `NameChecker` stand-in that records when it was asked and reads Seema as Sema."""

    def __init__(self) -> None:
        self.checked: list[str] = []

    def check(self, transcript, station, context=None):
        from kiosk.name_decision import NameCheck

        self.checked.append(transcript.text)
        return NameCheck(transcript.text.replace("Seema", "Sema"), rescored=True)


def test_a_doubtful_name_is_rescored_during_the_hangover_not_after_it():
    """The name check starts with the speculative transcript; the turn finds it done and
    does not check again (it took ~600 ms after the endpoint before)."""
    from voice.audio import MemorySink

    async def turn() -> tuple[list[str], list[str], list[str], dict]:
        names = _CountingNames()
        answerer = ScriptedAnswerer([["Did you mean Sema?"]])
        speaker = _Speaker()
        runner = TurnPipeline(_Transcriber("How can I get to Seema station?"), answerer,
                              speaker, station="강남", names=names)  # fmt: skip
        transcript = await runner.transcribe_ahead(b"\0" * 3200, station="강남")
        await asyncio.sleep(0.05)
        checked_before_the_endpoint = list(names.checked)
        result = await runner.run(b"\0" * 3200, MemorySink(), transcript=transcript)
        runner.close()
        return checked_before_the_endpoint, names.checked, answerer.received, result.timings_ms

    before, checked, received, timings = asyncio.run(turn())
    assert before == ["How can I get to Seema station?"]
    assert checked == before  # checked once, ahead of the turn
    assert received == ["How can I get to Sema station?"]  # the checked question is answered
    assert "name_check" in timings


class _UnsureAtFirst:
    """Unsure of the speculative audio (cut at the first silence), sure of the whole turn."""

    def __init__(self) -> None:
        self.heard: list[int] = []

    async def transcribe_async(self, audio, language=None, names=None):
        from voice.stt import Transcript

        self.heard.append(len(audio))
        if len(self.heard) == 1:
            return Transcript(
                "Which line stops at Seok", "en", 0.9, -1.3, 0.5, 1.0, "low-confidence"
            )
        return Transcript("Which line stops at Seokgye?", "en", 0.9, -0.4, 0.01, 1.4)


def test_an_unsure_speculative_transcript_is_redone_on_the_whole_utterance():
    from voice.audio import MemorySink

    async def turn():
        stt = _UnsureAtFirst()
        answerer = ScriptedAnswerer([["Seokgye Station is served by Line 1."]])
        runner = TurnPipeline(stt, answerer, _Speaker(), station="강남")
        ahead = await runner.transcribe_ahead(b"\0" * 3200, station="강남")
        result = await runner.run(b"\0" * 4800, MemorySink(), transcript=ahead)
        runner.close()
        return stt.heard, answerer.received, result.outcome

    heard, received, outcome = asyncio.run(turn())
    assert heard == [3200, 4800]  # the whole utterance, not the speculative cut, decided
    assert received == ["Which line stops at Seokgye?"] and outcome == "answered"


class _OffersSema:
    def check(self, transcript, station, context=None):
        from kiosk.name_decision import NameCheck
        from knowledge.answers.types import Offer

        sema = Offer("세마", "Sema", "Which line stops at Sema?")
        return NameCheck(transcript.text, offers=(sema,), rescored=True)


class _Unsure:
    async def transcribe_async(self, audio, language=None, names=None):
        from voice.stt import Transcript

        return Transcript("Which line stops at seam?", "en", 0.8, -1.2, 0.05, 1.4, "low-confidence")


def test_an_unsure_question_asks_about_a_station_that_sounds_said():
    from voice.audio import MemorySink

    class _Asking(ScriptedAnswerer):
        def stream(self, question, *, offers=(), **kwargs):
            self.offers = offers
            return super().stream(question, **kwargs)

    async def turn(names):
        answerer = _Asking([["Did you mean Sema?"]])
        runner = TurnPipeline(_Unsure(), answerer, _Speaker(), station="강남", names=names)
        result = await runner.run(b"\0" * 3200, MemorySink())
        runner.close()
        return result.outcome, getattr(answerer, "offers", None)

    outcome, offers = asyncio.run(turn(_OffersSema()))
    assert outcome != "no_speech" and [o.name for o in offers] == ["Sema"]
    assert asyncio.run(turn(None))[0] == "no_speech"  # nothing to ask about: dropped as before


class _RecordingStt:
    def __init__(self) -> None:
        self.calls: list[tuple[str | None, list[str] | None]] = []

    async def transcribe_async(self, audio, language=None, names=None):
        from voice.stt import Transcript

        self.calls.append((language, names))
        return Transcript("Danggok.", language or "en", 0.9, -0.3, 0.01, 0.8)


def test_a_reply_to_did_you_mean_is_heard_with_the_offered_names():
    """Whisper is prompted with the two or three offered names, not the station vocabulary:
    the reply is one of them, or yes or no."""
    from knowledge.answers.types import Answer, Context, Offer, Outcome

    offered = (Offer("당곡", "Danggok", "Which lines go to Danggok?"),
               Offer("강남", "Gangnam", "Which lines go to Gangnam?"))  # fmt: skip
    asked = Answer("?", "en", Outcome.CLARIFY, "Did you mean Danggok or Gangnam?", [])
    context = Context(last_answer=asked, offered=offered)

    async def hear(context):
        stt = _RecordingStt()
        runner = TurnPipeline(stt, ScriptedAnswerer([["ok"]]), _Speaker(), station="강남")
        await runner.transcribe_ahead(b"\0" * 3200, context=context, station="강남")
        runner.close()
        return stt.calls

    assert asyncio.run(hear(context)) == [("en", ["Danggok", "Gangnam"])]
    assert asyncio.run(hear(Context())) == [(None, None)]  # a new question: the vocabulary


def test_a_phantom_speculative_transcript_is_not_decoded_again():
    """Only an unsure transcript is redone on the whole utterance: noise heard as "Thanks for
    watching" costs one decode, not two."""
    from voice.audio import MemorySink
    from voice.stt import Transcript

    class _Phantom:
        def __init__(self) -> None:
            self.calls = 0

        async def transcribe_async(self, audio, language=None, names=None):
            self.calls += 1
            return Transcript("Thanks for watching!", "en", 0.9, -0.3, 0.1, 1.0, "phantom-phrase")

    async def turn():
        stt = _Phantom()
        runner = TurnPipeline(stt, ScriptedAnswerer([["-"]]), _Speaker(), station="강남")
        ahead = await runner.transcribe_ahead(b"\0" * 3200, station="강남")
        result = await runner.run(b"\0" * 4800, MemorySink(), transcript=ahead)
        runner.close()
        return stt.calls, result.outcome

    assert asyncio.run(turn()) == (1, "no_speech")
