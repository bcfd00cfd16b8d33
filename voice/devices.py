"""Sound-card input and output through sounddevice (PortAudio).

The PortAudio callback runs on its own thread and must never block: it only copies the buffer
and hands it to the event loop with `call_soon_threadsafe` into a bounded queue. When the loop
falls behind, the oldest block is dropped (a question is better served by fresh audio) and the
drop is counted for metrics. Conversion to the internal format happens here, once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from voice.audio import SAMPLE_RATE, AudioChunk, StreamResampler, downmix, resample
from voice.errors import VoiceError

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    index: int
    name: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float


def _sounddevice(module: ModuleType | None = None) -> ModuleType:
    if module is not None:
        return module
    try:
        import sounddevice
    except ImportError as err:
        raise VoiceError("dependency-missing", "sounddevice is not installed") from err
    except OSError as err:  # libportaudio2 missing
        raise VoiceError("audio-backend-missing", f"PortAudio library not found: {err}") from err
    return sounddevice


def list_devices(sd: ModuleType | None = None) -> list[DeviceInfo]:
    """Every device PortAudio sees (empty on a machine without a sound card)."""
    sd = _sounddevice(sd)
    try:
        raw = list(sd.query_devices())
    except Exception as err:  # PortAudio raises its own error types
        raise VoiceError("audio-backend-missing", f"cannot list audio devices: {err}") from err
    return [
        DeviceInfo(
            index=i,
            name=str(d["name"]),
            max_input_channels=int(d["max_input_channels"]),
            max_output_channels=int(d["max_output_channels"]),
            default_samplerate=float(d["default_samplerate"]),
        )
        for i, d in enumerate(raw)
    ]


def find_device(spec: str | int | None, kind: str, sd: ModuleType | None = None) -> DeviceInfo:
    """Resolve a device by index, by (case-insensitive) name substring, or the default.

    `kind` is "input" or "output". The error names the requested device and lists what exists,
    which is what an engineer at the kiosk needs when a USB microphone is unplugged.
    """
    devices = list_devices(sd)
    usable = [
        d
        for d in devices
        if (d.max_input_channels if kind == "input" else d.max_output_channels) > 0
    ]
    wanted = spec.strip() if isinstance(spec, str) else spec
    if wanted == "":
        wanted = None
    if isinstance(wanted, str) and wanted.isdigit():
        wanted = int(wanted)
    match: DeviceInfo | None = None
    if wanted is None:
        default = _default_index(_sounddevice(sd), kind)
        match = next((d for d in usable if d.index == default), usable[0] if usable else None)
    elif isinstance(wanted, int):
        match = next((d for d in usable if d.index == wanted), None)
    else:
        match = next((d for d in usable if wanted.lower() in d.name.lower()), None)
    if match is None:
        names = ", ".join(f"{d.index}: {d.name}" for d in usable) or "none"
        label = "default" if wanted is None else repr(wanted)
        raise VoiceError(
            "audio-device-missing",
            f"{kind} device {label} not found (available {kind} devices: {names})",
        )
    return match


def _default_index(sd: ModuleType, kind: str) -> int:
    try:
        pair = sd.default.device
        return int(pair[0] if kind == "input" else pair[1])
    except (AttributeError, TypeError, IndexError, ValueError):
        return -1


class SoundDeviceSource:
    """Microphone input as internal-format chunks, resampled from the device's native rate."""

    def __init__(
        self,
        device: str | int | None = None,
        *,
        block_ms: int = 30,
        channels: int = 1,
        queue_blocks: int = 100,
        sd: ModuleType | None = None,
    ) -> None:
        self.device_spec = device
        self.block_ms = block_ms
        self.channels = channels
        self.queue_blocks = queue_blocks
        self.dropped_blocks = 0
        self._sd = sd
        self._stream: Any = None
        self._queue: asyncio.Queue[np.ndarray] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.device: DeviceInfo | None = None
        self.rate = SAMPLE_RATE

    async def start(self) -> None:
        sd = _sounddevice(self._sd)
        self.device = find_device(self.device_spec, "input", sd)
        self.rate = int(self.device.default_samplerate) or SAMPLE_RATE
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue(maxsize=self.queue_blocks)
        try:
            self._stream = sd.InputStream(
                device=self.device.index,
                samplerate=self.rate,
                channels=self.channels,
                dtype="int16",
                blocksize=self.rate * self.block_ms // 1000,
                callback=self._callback,
            )
            self._stream.start()
        except Exception as err:  # PortAudio errors have no common base
            raise VoiceError(
                "audio-device-missing", f"cannot open input device {self.device.name!r}: {err}"
            ) from err
        logger.info("audio input %s at %d Hz", self.device.name, self.rate)

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio thread: copy and hand over, nothing else."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._enqueue, indata.copy())

    def _enqueue(self, block: np.ndarray) -> None:
        """Event-loop thread: bounded queue, drop the oldest block on overflow."""
        assert self._queue is not None
        if self._queue.full():
            self._queue.get_nowait()
            self.dropped_blocks += 1
            if self.dropped_blocks in (1, 10, 100) or self.dropped_blocks % 1000 == 0:
                logger.warning("audio input overflow: %d blocks dropped", self.dropped_blocks)
        self._queue.put_nowait(block)

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        if self._queue is None:
            await self.start()
        assert self._queue is not None
        resampler = StreamResampler(self.rate, SAMPLE_RATE)
        emitted = 0
        while True:
            block = await self._queue.get()
            mono = downmix(block.reshape(-1).astype(np.int16), self.channels)
            samples = resampler.process(mono)
            if len(samples):
                yield AudioChunk(samples, timestamp_ms=emitted * 1000 // SAMPLE_RATE)
                emitted += len(samples)

    async def close(self) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None


class SoundDeviceSink:
    """Speaker output; `stop()` silences it at once by dropping everything queued."""

    def __init__(self, device: str | int | None = None, *, sd: ModuleType | None = None) -> None:
        self.device_spec = device
        self._sd = sd
        self._stream: Any = None
        self._pending = np.zeros(0, dtype=np.int16)
        self._idle = asyncio.Event()
        self._idle.set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.device: DeviceInfo | None = None
        self.sample_rate = SAMPLE_RATE

    async def start(self) -> None:
        sd = _sounddevice(self._sd)
        self.device = find_device(self.device_spec, "output", sd)
        self.sample_rate = int(self.device.default_samplerate) or SAMPLE_RATE
        self._loop = asyncio.get_running_loop()
        try:
            self._stream = sd.OutputStream(
                device=self.device.index,
                samplerate=self.sample_rate,
                channels=1,
                dtype="int16",
                callback=self._callback,
            )
            self._stream.start()
        except Exception as err:
            raise VoiceError(
                "audio-device-missing", f"cannot open output device {self.device.name!r}: {err}"
            ) from err

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        # Swapping the array reference is atomic under the GIL, so stop() needs no lock.
        pending = self._pending
        n = min(frames, len(pending))
        outdata[:n, 0] = pending[:n]
        outdata[n:, 0] = 0
        self._pending = pending[n:]
        if n < frames and self._loop is not None and not self._idle.is_set():
            self._loop.call_soon_threadsafe(self._idle.set)

    async def play(self, chunk: AudioChunk) -> None:
        if self._stream is None:
            await self.start()
        samples = chunk.array
        if chunk.rate != self.sample_rate:
            samples = resample(samples, chunk.rate, self.sample_rate)
        self._idle.clear()
        self._pending = np.concatenate([self._pending, samples])

    async def drain(self) -> None:
        await self._idle.wait()

    def stop(self) -> None:
        self._pending = np.zeros(0, dtype=np.int16)
        self._idle.set()

    async def close(self) -> None:
        self.stop()
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None
