from __future__ import annotations

import asyncio
import io
import wave

import numpy as np
import pytest

from voice.audio import (
    SAMPLE_RATE,
    AudioChunk,
    MemorySink,
    StreamResampler,
    WavFileSink,
    WavFileSource,
    decode_wav,
    encode_wav,
    read_wav,
    resample,
)
from voice.errors import VoiceError


def tone(freq: float, rate: int, seconds: float = 1.0, amp: float = 8000) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (np.sin(2 * np.pi * freq * t) * amp).astype(np.int16)


def test_chunk_accepts_array_and_reports_seconds() -> None:
    chunk = AudioChunk(np.zeros(480, dtype=np.int16), timestamp_ms=30)
    assert isinstance(chunk.samples, bytes)
    assert chunk.seconds == pytest.approx(0.03)
    with pytest.raises(AttributeError):
        chunk.timestamp_ms = 1  # type: ignore[misc]


def test_resample_keeps_a_tone_and_length() -> None:
    out = resample(tone(440, 22050), 22050, SAMPLE_RATE)
    assert len(out) == SAMPLE_RATE
    ref = tone(440, SAMPLE_RATE).astype(float)
    assert np.max(np.abs(out[200:-200] - ref[200:-200])) < 100  # < 1.3 % of amplitude


def test_resample_removes_content_above_the_new_nyquist() -> None:
    out = resample(tone(12000, 48000), 48000, SAMPLE_RATE)
    assert np.max(np.abs(out[200:-200])) < 100


def test_streaming_resampler_matches_whole_signal() -> None:
    signal = tone(300, 48000)
    r = StreamResampler(48000, SAMPLE_RATE)
    parts = [r.process(signal[i : i + 1440]) for i in range(0, len(signal), 1440)]
    streamed = np.concatenate([*parts, r.flush()])
    whole = resample(signal, 48000, SAMPLE_RATE)
    assert np.array_equal(streamed[: len(whole)], whole)


def _wav_bytes(samples: np.ndarray, rate: int, channels: int) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return buf.getvalue()


def test_stereo_44k_wav_is_converted_at_the_edge() -> None:
    left = tone(440, 44100)
    stereo = np.stack([left, left], axis=1).reshape(-1)
    mono = decode_wav(_wav_bytes(stereo, 44100, 2))
    assert len(mono) == SAMPLE_RATE
    assert 7000 < np.max(np.abs(mono)) < 8500


def test_wav_roundtrip(tmp_path) -> None:
    samples = tone(1000, SAMPLE_RATE, 0.5)
    (tmp_path / "a.wav").write_bytes(encode_wav(samples))
    assert np.array_equal(read_wav(tmp_path / "a.wav"), samples)


def test_missing_and_bad_wav_raise_voice_errors(tmp_path) -> None:
    with pytest.raises(VoiceError) as err:
        read_wav(tmp_path / "nope.wav")
    assert err.value.code == "audio-file-missing"
    (tmp_path / "bad.wav").write_bytes(b"not a wav")
    with pytest.raises(VoiceError):
        read_wav(tmp_path / "bad.wav")


def test_wav_source_fast_and_realtime() -> None:
    samples = np.zeros(SAMPLE_RATE // 2, dtype=np.int16)

    async def collect(realtime: bool) -> tuple[list[AudioChunk], float]:
        source = WavFileSource("x.wav", chunk_ms=50, realtime=realtime, samples=samples)
        loop = asyncio.get_running_loop()
        start = loop.time()
        chunks = [c async for c in source.chunks()]
        return chunks, loop.time() - start

    fast, fast_s = asyncio.run(collect(False))
    assert [c.timestamp_ms for c in fast] == list(range(0, 500, 50))
    assert fast_s < 0.2
    slow, slow_s = asyncio.run(collect(True))
    assert len(slow) == 10
    assert 0.4 <= slow_s < 0.8  # chunk i is released at i * 50 ms


def test_sink_resamples_and_stop_drops_queued_audio(tmp_path) -> None:
    async def run() -> MemorySink:
        sink = WavFileSink(tmp_path / "out.wav", sample_rate=SAMPLE_RATE, realtime=True)
        for _ in range(10):
            await sink.play(AudioChunk(tone(440, 22050, 0.1), rate=22050))
        task = asyncio.create_task(sink.drain())
        await asyncio.sleep(0.25)
        sink.stop()
        await task
        sink.close()
        return sink

    sink = asyncio.run(run())
    assert 0.1 <= sink.seconds <= 0.4  # stopped after two or three of ten chunks
    assert len(read_wav(tmp_path / "out.wav")) == len(sink.audio)
