from __future__ import annotations

import asyncio

import numpy as np
import pytest

from tests.voice.audio_helpers import BURST_NOISE, chunks_of, clip, join, mix_at_snr, noise, silence
from voice.audio import AudioChunk
from voice.frames import FrameChunker, LevelMeter, chunk_frames, rms_dbfs
from voice.vad import (
    EndpointEventType,
    Segmenter,
    SegmenterConfig,
    SegmentEventType,
    VadEndpointer,
)

F = 0.03  # one 30 ms frame


# --- framing ---


@pytest.mark.parametrize("frame_ms", [10, 20, 30])
def test_chunk_frames_keeps_the_leftover(frame_ms: int) -> None:
    size = 16 * frame_ms * 2
    frames, rest = chunk_frames(b"\x01" * (size * 2 + 7), frame_ms)
    assert [len(f) for f in frames] == [size, size]
    assert len(rest) == 7
    frames, rest = chunk_frames(b"\x01" * (size - 7), frame_ms, rest)
    assert len(frames) == 1 and rest == b""


def test_chunk_frames_rejects_other_sizes() -> None:
    with pytest.raises(ValueError):
        chunk_frames(b"", 25)


def test_frame_chunker_over_odd_chunks() -> None:
    chunker = FrameChunker(20)
    frames = [f for _ in range(10) for f in chunker.push(b"\x00" * 333)]
    assert len(frames) == 3330 // 640 and chunker.pending == 3330 % 640


# --- pure segmenter with booleans ---


def feed(seg: Segmenter, pattern: str, energy_ok: bool = True) -> list:
    """'S' = speech frame, '.' = silence; returns the non-None events."""
    events = [seg.process(F, c == "S", energy_ok) for c in pattern]
    return [e for e in events if e is not None]


def cfg(**kw) -> SegmenterConfig:
    base = dict(start_s=0.09, hangover_s=0.3, first_silence_s=0.12, min_utterance_s=0.3)
    return SegmenterConfig(**{**base, **kw})


def test_start_needs_the_trigger_run() -> None:
    seg = Segmenter(cfg())
    assert feed(seg, "SS.SS.") == []  # two frames (60 ms) never reach 90 ms
    events = feed(seg, "SSS")
    assert [e.type for e in events] == [SegmentEventType.START]
    assert events[0].speech_start_s == pytest.approx(6 * F)


def test_hangover_ends_and_short_gaps_do_not() -> None:
    seg = Segmenter(cfg())
    events = feed(seg, "SSSSSSSSSS" + ".." + "SSSSS" + "..........")
    kinds = [e.type for e in events]
    assert kinds == [
        SegmentEventType.START,
        SegmentEventType.FIRST_SILENCE,
        SegmentEventType.END,
    ]
    end = events[-1]
    assert end.reason == "silence"
    assert end.speech_end_s == pytest.approx(17 * F)  # end of the last speech frame
    assert end.t == pytest.approx(17 * F + 0.3)  # after exactly the hangover


def test_first_silence_fires_once_per_pause() -> None:
    seg = Segmenter(cfg())
    events = feed(seg, "SSSSSSSSSS....SSSS....SSSS..........")
    kinds = [e.type for e in events]
    assert kinds.count(SegmentEventType.FIRST_SILENCE) == 3
    assert kinds[-1] == SegmentEventType.END


def test_short_utterance_is_discarded() -> None:
    seg = Segmenter(cfg())
    events = feed(seg, "SSSSS" + "." * 12)  # 150 ms of speech < 300 ms minimum
    assert events[-1].type == SegmentEventType.DISCARD
    assert events[-1].reason == "too_short"


def test_after_a_question_a_short_reply_is_kept_once() -> None:
    """After "Did you mean Sema?" a 150 ms "yes" is a reply; the next short sound is not."""
    seg = Segmenter(cfg())
    seg.expect_short()
    assert feed(seg, "SSSSS" + "." * 12)[-1].type == SegmentEventType.END
    assert feed(seg, "SSSSS" + "." * 12)[-1].reason == "too_short"


def test_long_speech_is_cut_at_the_maximum() -> None:
    seg = Segmenter(cfg(max_utterance_s=1.5))
    events = feed(seg, "S" * 100)  # 3 s of talking
    ends = [e for e in events if e.type == SegmentEventType.END]
    assert ends and ends[0].reason == "max_length"
    assert ends[0].t - ends[0].speech_start_s == pytest.approx(1.5)
    assert [e.type for e in events].count(SegmentEventType.START) == 2  # talking continues


def test_energy_gate_vetoes_speech_flags() -> None:
    seg = Segmenter(cfg())
    assert feed(seg, "S" * 50, energy_ok=False) == []


def test_end_of_stream_closes_an_open_utterance() -> None:
    seg = Segmenter(cfg())
    feed(seg, "S" * 20)
    event = seg.finish()
    assert event is not None and event.reason == "end_of_stream"
    assert seg.finish() is None


def test_config_is_validated() -> None:
    with pytest.raises(ValueError):
        SegmenterConfig(aggressiveness=5)
    with pytest.raises(ValueError):
        SegmenterConfig(min_utterance_s=5, max_utterance_s=2)


# --- endpointer with a fake detector (pre-roll and timestamps) ---


class LoudIsSpeech:
    """Fake detector: a frame is speech when it is loud; records what it saw."""

    def __init__(self) -> None:
        self.frames = 0

    def is_speech(self, frame: bytes) -> bool:
        self.frames += 1
        return rms_dbfs(frame) > -30


def test_utterance_carries_pre_roll_and_timestamps() -> None:
    loud = (np.ones(16000) * 8000).astype(np.int16)
    audio = join(silence(1.0), loud, silence(1.0))
    ep = VadEndpointer(SegmenterConfig(pre_roll_s=0.3, hangover_s=0.6), LoudIsSpeech())
    events = [e for c in chunks_of(audio, 100) for e in ep.feed(c)]
    utterance = [e for e in events if e.type is EndpointEventType.UTTERANCE]
    assert len(utterance) == 1
    u = utterance[0]
    # Boundaries are quantised to 30 ms frames: allow one frame either way.
    assert u.start_ms == pytest.approx(700, abs=30)  # 1 s of silence minus 300 ms of pre-roll
    assert u.speech_end_ms == pytest.approx(2000, abs=30)
    assert u.end_ms - u.speech_end_ms == 600  # the hangover
    assert u.seconds == pytest.approx(1.9, abs=0.031)
    assert ep.detector.frames == ep.frames_seen


def test_timestamps_follow_the_source_clock() -> None:
    loud = (np.ones(16000) * 8000).astype(np.int16)
    ep = VadEndpointer(SegmenterConfig(pre_roll_s=0.0), LoudIsSpeech())
    events = []
    for c in chunks_of(join(silence(0.5), loud, silence(1.0)), 100):
        events += ep.feed(AudioChunk(c.samples, c.timestamp_ms + 60_000))
    utterance = next(e for e in events if e.type is EndpointEventType.UTTERANCE)
    assert utterance.start_ms == pytest.approx(60_500, abs=30)


# --- endpointer with webrtcvad on real recordings ---


def utterances(audio: np.ndarray, config: SegmenterConfig | None = None) -> list:
    async def run() -> list:
        async def gen():
            for c in chunks_of(audio, 100):
                yield c

        return [u async for u in VadEndpointer(config).utterances(gen())]

    return asyncio.run(run())


def test_question_with_leading_and_trailing_silence_is_one_utterance() -> None:
    speech = clip("ko_zeroth_104_003_0294.wav")
    found = utterances(join(silence(1.5), speech, silence(1.5)))
    assert len(found) == 1
    u = found[0]
    assert u.reason == "silence"
    assert 1000 <= u.start_ms <= 2000
    assert u.speech_end_ms <= 1500 + len(speech) // 16 + 60
    assert u.seconds >= 4.0


def test_two_questions_separated_by_a_pause_are_two_utterances() -> None:
    audio = join(
        silence(1.0),
        clip("en_librispeech_1089-134686-0001.wav"),
        silence(1.5),
        clip("en_librispeech_1089-134686-0003.wav"),
        silence(1.0),
    )
    found = utterances(audio)
    assert len(found) == 2
    assert found[0].end_ms < found[1].start_ms


def test_steady_noise_gives_no_utterance() -> None:
    assert utterances(noise(6.0)) == []
    assert utterances(noise(6.0, level_dbfs=-20)) == []


def test_speech_in_steady_noise_at_10_db_snr_is_found() -> None:
    speech = join(silence(2.0), clip("ko_zeroth_104_003_0294.wav"), silence(1.5))
    found = utterances(mix_at_snr(speech, 10.0))
    assert len(found) == 1
    assert found[0].seconds > 3.0


def test_too_long_utterance_is_cut_at_the_maximum() -> None:
    speech = join(
        silence(0.5), clip("ko_zeroth_104_003_0352.wav"), clip("ko_zeroth_104_003_0374.wav")
    )
    found = utterances(speech, SegmenterConfig(max_utterance_s=5.0))
    assert found[0].reason == "max_length"
    assert found[0].seconds <= 5.0 + 0.3 + 0.06  # maximum plus pre-roll


def test_burst_noise_is_loud_to_the_vad(transcriber) -> None:
    """Speech-like noise bursts pass webrtcvad; the STT guards must then refuse them."""
    found = utterances(join(silence(1.0), noise(5.0, path=BURST_NOISE), silence(1.0)))
    for u in found:
        assert not transcriber.transcribe(u.audio).ok


def test_level_meter_rises_fast_and_falls_slowly() -> None:
    meter = LevelMeter()
    loud = (np.ones(480) * 16000).astype(np.int16)
    quiet = np.zeros(480, dtype=np.int16)
    for _ in range(5):
        up = meter.update(loud)
    assert up > -20
    assert meter.update(quiet) > up - 15  # release is slow
    assert rms_dbfs(quiet) == -100.0
