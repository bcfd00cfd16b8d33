"""The one internal audio format, WAV I/O, resampling, and file/memory sources and sinks.

Everything inside the kiosk is 16 kHz, 16-bit, mono PCM. Audio is converted once, at the edge
(a WAV file, a sound device, a TTS voice), so the VAD, Whisper and the metrics never meet another
format. Resampling is a windowed-sinc interpolator in numpy (scipy is not a dependency); it keeps
state between blocks so a device can be resampled block by block without clicks.
"""

from __future__ import annotations

import asyncio
import functools
import io
import logging
import math
import time
import wave
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from voice.errors import VoiceError

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
"""Internal sample rate: what webrtcvad and Whisper both take without conversion."""
SAMPLE_WIDTH = 2
"""Bytes per sample (signed 16-bit little endian)."""
CHANNELS = 1
BYTES_PER_SECOND = SAMPLE_RATE * SAMPLE_WIDTH * CHANNELS


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """A block of mono 16-bit PCM.

    `samples` is always stored as immutable bytes (an int16 array is accepted and converted) so a
    chunk can be shared between the VAD, a recorder and a sink without copies going stale.
    `rate` is 16 kHz inside the kiosk; TTS voices emit their native rate and sinks convert.
    """

    samples: bytes
    timestamp_ms: int = 0
    rate: int = SAMPLE_RATE

    def __post_init__(self) -> None:
        if isinstance(self.samples, np.ndarray):
            object.__setattr__(self, "samples", to_int16(self.samples).tobytes())
        elif not isinstance(self.samples, bytes):
            object.__setattr__(self, "samples", bytes(self.samples))
        if len(self.samples) % SAMPLE_WIDTH:
            raise ValueError("AudioChunk samples must be whole 16-bit samples")

    @property
    def seconds(self) -> float:
        return len(self.samples) / (SAMPLE_WIDTH * self.rate)

    @property
    def array(self) -> np.ndarray:
        """Read-only int16 view of the samples."""
        return np.frombuffer(self.samples, dtype=np.int16)


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float arrays in [-1, 1] are scaled; integer arrays are clipped into int16."""
    if samples.dtype == np.int16:
        return samples
    if np.issubdtype(samples.dtype, np.floating):
        return np.clip(np.round(samples * 32767.0), -32768, 32767).astype(np.int16)
    return np.clip(samples, -32768, 32767).astype(np.int16)


# --- resampling ---------------------------------------------------------------------------------

_HALF_TAPS = 16  # one-sided kernel length in input samples: ~60 dB stop band, cheap on 2 cores


class StreamResampler:
    """Band-limited (Hann-windowed sinc) resampler that can be fed block by block.

    It keeps the last few input samples and the read position, so blocks from a 48 kHz device
    come out as one continuous 16 kHz signal. Call `flush()` at the end of a stream to emit the
    tail held back for the kernel.

    Positions are exact integers in 1/L input samples (L = dst / gcd), so an output sample
    falls on one of L phases whose kernels are computed once: computing the sinc and window
    per sample cost ~90 ms per 2.5 s of Piper speech, the table ~10 ms.
    """

    def __init__(self, src_rate: int, dst_rate: int) -> None:
        if src_rate <= 0 or dst_rate <= 0:
            raise ValueError("sample rates must be positive")
        self.src_rate = src_rate
        self.dst_rate = dst_rate
        common = math.gcd(src_rate, dst_rate)
        self._phases = dst_rate // common  # L: positions are counted in 1/L input samples
        self._step = src_rate // common  # input advance per output sample, in 1/L units
        self._kernels = _sinc_kernels(self._phases, min(1.0, dst_rate / src_rate))
        self._buf = np.zeros(_HALF_TAPS, dtype=np.float64)  # leading zeros = silence before t=0
        self._buf_start = -_HALF_TAPS  # absolute input index of _buf[0]
        self._next = 0  # absolute input position of the next output sample, in 1/L units

    def process(self, samples: np.ndarray) -> np.ndarray:
        if self.src_rate == self.dst_rate:
            return to_int16(samples)
        self._buf = np.concatenate([self._buf, samples.astype(np.float64)])
        return self._emit(self._buf_start + len(self._buf) - _HALF_TAPS)

    def flush(self) -> np.ndarray:
        if self.src_rate == self.dst_rate:
            return np.zeros(0, dtype=np.int16)
        end = self._buf_start + len(self._buf)
        # Zeros after the end let the kernel finish the last real samples.
        self._buf = np.concatenate([self._buf, np.zeros(_HALF_TAPS + 1)])
        return self._emit(end)

    def _emit(self, upto: int) -> np.ndarray:
        """Emit every output sample whose position is before input sample `upto`."""
        limit = upto * self._phases
        if self._next >= limit:
            return np.zeros(0, dtype=np.int16)
        count = -(-(limit - self._next) // self._step)  # ceiling division
        positions = self._next + self._step * np.arange(count, dtype=np.int64)
        base, phase = np.divmod(positions, self._phases)
        idx = base[:, None] + _TAP_OFFSETS[None, :]  # absolute input indices under the kernel
        out = np.einsum("ij,ij->i", self._buf[idx - self._buf_start], self._kernels[phase])
        self._next += self._step * count
        drop = max(0, self._next // self._phases - _HALF_TAPS - self._buf_start)
        self._buf = self._buf[drop:]
        self._buf_start += drop
        return np.clip(np.round(out), -32768, 32767).astype(np.int16)


_TAP_OFFSETS = np.arange(-_HALF_TAPS + 1, _HALF_TAPS + 1)


@functools.lru_cache(maxsize=8)
def _sinc_kernels(phases: int, cutoff: float) -> np.ndarray:
    """The windowed-sinc kernel for each of `phases` fractional positions (rows)."""
    dist = _TAP_OFFSETS[None, :] - (np.arange(phases) / phases)[:, None]
    window = 0.5 + 0.5 * np.cos(np.pi * np.clip(dist / _HALF_TAPS, -1.0, 1.0))
    kernels = cutoff * np.sinc(cutoff * dist) * window
    kernels.flags.writeable = False
    return kernels


def resample(samples: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Resample a whole int16 signal; the output length is round(len * dst / src)."""
    if src_rate == dst_rate:
        return to_int16(samples)
    resampler = StreamResampler(src_rate, dst_rate)
    out = np.concatenate([resampler.process(samples), resampler.flush()])
    want = round(len(samples) * dst_rate / src_rate)
    if len(out) < want:
        out = np.concatenate([out, np.zeros(want - len(out), dtype=np.int16)])
    return out[:want]


def downmix(frames: np.ndarray, channels: int) -> np.ndarray:
    """Average interleaved channels into mono (int16 in, int16 out)."""
    if channels == 1:
        return frames
    mono = frames.reshape(-1, channels).astype(np.int32).mean(axis=1)
    return np.round(mono).astype(np.int16)


# --- WAV files ----------------------------------------------------------------------------------


def _pcm_to_int16(raw: bytes, width: int) -> np.ndarray:
    if width == 2:
        return np.frombuffer(raw, dtype="<i2").copy()
    if width == 1:  # 8-bit WAV is unsigned
        return ((np.frombuffer(raw, dtype=np.uint8).astype(np.int16) - 128) << 8).astype(np.int16)
    if width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        value = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        return (value >> 8).astype(np.int16)
    if width == 4:
        return (np.frombuffer(raw, dtype="<i4") >> 16).astype(np.int16)
    raise VoiceError("audio-format", f"unsupported WAV sample width: {width} bytes")


def decode_wav(data: bytes, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Decode WAV bytes (PCM, any rate/width/channels) into int16 mono at `rate`."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            channels, width, src_rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            # espeak-ng --stdout writes a streaming header with a bogus frame count: read to EOF.
            raw = wav.readframes(2**31 - 1)
    except (wave.Error, EOFError) as err:
        raise VoiceError("audio-format", f"not a PCM WAV file: {err}") from err
    usable = len(raw) - len(raw) % (width * channels)
    mono = downmix(_pcm_to_int16(raw[:usable], width), channels)
    return resample(mono, src_rate, rate)


def read_wav(path: str | Path, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Read any PCM WAV file as int16 mono at `rate` (the internal 16 kHz by default)."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise VoiceError("audio-file-missing", f"cannot read WAV file {path}: {err}") from err
    return decode_wav(data, rate)


def encode_wav(samples: np.ndarray | bytes, rate: int = SAMPLE_RATE) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(CHANNELS)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(rate)
        wav.writeframes(samples if isinstance(samples, bytes) else to_int16(samples).tobytes())
    return buf.getvalue()


def write_wav(path: str | Path, samples: np.ndarray | bytes, rate: int = SAMPLE_RATE) -> None:
    Path(path).write_bytes(encode_wav(samples, rate))


# --- sources and sinks --------------------------------------------------------------------------


@runtime_checkable
class AudioSource(Protocol):
    """Where microphone audio comes from: yields internal-format chunks until closed."""

    def chunks(self) -> AsyncIterator[AudioChunk]: ...

    async def close(self) -> None: ...


@runtime_checkable
class AudioSink(Protocol):
    """Where reply audio goes. `play` queues, `drain` waits for playback, `stop` drops it all."""

    sample_rate: int

    async def play(self, chunk: AudioChunk) -> None: ...

    async def drain(self) -> None: ...

    def stop(self) -> None: ...


class WavFileSource:
    """Feeds a WAV file as chunks, either as fast as possible or at its real rate.

    Real-time feeding schedules chunk *i* at `start + i * chunk_s` (not sleep-after-send), so the
    timing error does not accumulate over a long file.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        chunk_ms: int = 30,
        realtime: bool = False,
        samples: np.ndarray | None = None,
    ) -> None:
        self.path = Path(path)
        self.chunk_ms = chunk_ms
        self.realtime = realtime
        self._samples = samples
        self._closed = False

    def load(self) -> np.ndarray:
        if self._samples is None:
            self._samples = read_wav(self.path)
        return self._samples

    @property
    def duration_s(self) -> float:
        return len(self.load()) / SAMPLE_RATE

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        samples = self.load()
        step = SAMPLE_RATE * self.chunk_ms // 1000
        loop = asyncio.get_running_loop()
        start = loop.time()
        for i, offset in enumerate(range(0, len(samples), step)):
            if self._closed:
                return
            if self.realtime:
                delay = start + i * self.chunk_ms / 1000 - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            else:
                await asyncio.sleep(0)  # let other tasks run between chunks
            yield AudioChunk(samples[offset : offset + step], timestamp_ms=i * self.chunk_ms)

    async def close(self) -> None:
        self._closed = True


@dataclass
class MemorySink:
    """Collects played audio in memory at `sample_rate`; `realtime` paces `drain` like a speaker.

    Audio is *queued* by `play` and *played* by `drain`; `stop()` drops everything still queued
    and interrupts a running drain at the next chunk, which is what barge-in needs.
    """

    sample_rate: int = SAMPLE_RATE
    realtime: bool = False
    played: bytearray = field(default_factory=bytearray)
    first_audio_at: float | None = None  # time.monotonic() when the first chunk was queued
    _queue: list[AudioChunk] = field(default_factory=list, init=False, repr=False)
    _stopped: bool = field(default=False, init=False, repr=False)

    async def play(self, chunk: AudioChunk) -> None:
        if self.first_audio_at is None:
            self.first_audio_at = time.monotonic()
        self._stopped = False
        self._queue.append(self._convert(chunk))

    def _convert(self, chunk: AudioChunk) -> AudioChunk:
        if chunk.rate == self.sample_rate:
            return chunk
        # Each TTS chunk is a whole sentence, so resampling chunk by chunk is seamless enough.
        out = resample(chunk.array, chunk.rate, self.sample_rate)
        return AudioChunk(out, chunk.timestamp_ms, self.sample_rate)

    async def drain(self) -> None:
        while self._queue and not self._stopped:
            chunk = self._queue.pop(0)
            self.played.extend(chunk.samples)
            if self.realtime:
                await asyncio.sleep(chunk.seconds)
            else:
                await asyncio.sleep(0)

    def stop(self) -> None:
        dropped = sum(c.seconds for c in self._queue)
        self._queue.clear()
        self._stopped = True
        logger.debug("sink stopped, dropped %.2f s of queued audio", dropped)

    @property
    def audio(self) -> np.ndarray:
        return np.frombuffer(bytes(self.played), dtype=np.int16)

    @property
    def seconds(self) -> float:
        return len(self.played) / (SAMPLE_WIDTH * self.sample_rate)


class WavFileSink(MemorySink):
    """A `MemorySink` that writes what was played to a WAV file on `close()`."""

    def __init__(
        self, path: str | Path, *, sample_rate: int = SAMPLE_RATE, realtime: bool = False
    ) -> None:
        super().__init__(sample_rate=sample_rate, realtime=realtime)
        self.path = Path(path)

    def close(self) -> Path:
        write_wav(self.path, bytes(self.played), self.sample_rate)
        return self.path


def concat_chunks(chunks: Iterable[AudioChunk]) -> np.ndarray:
    """Join chunks (same rate assumed) into one int16 array, e.g. a whole TTS reply."""
    parts = [c.array for c in chunks]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
