from __future__ import annotations

import asyncio
from types import SimpleNamespace

import numpy as np
import pytest

from voice.devices import SoundDeviceSource, find_device, list_devices
from voice.errors import VoiceError


def test_missing_device_error_names_the_device() -> None:
    """This machine has no sound card: the real PortAudio must report a clear error."""
    assert list_devices() == [] or all(d.name for d in list_devices())
    with pytest.raises(VoiceError) as err:
        find_device("Jabra SPEAK 510", "input")
    assert err.value.code == "audio-device-missing"
    assert "Jabra SPEAK 510" in str(err.value)


def test_source_start_fails_clearly_without_the_device() -> None:
    async def run() -> None:
        await SoundDeviceSource("USB Mic").start()

    with pytest.raises(VoiceError, match="USB Mic") as err:
        asyncio.run(run())
    assert err.value.code == "audio-device-missing"


class FakeSoundDevice:
    """Stands in for the sounddevice module: two devices, a stream that records its settings."""

    def __init__(self) -> None:
        self.default = SimpleNamespace(device=[1, 0])
        self.streams: list[FakeStream] = []

    def query_devices(self):
        return [
            dict(name="HDMI out", max_input_channels=0, max_output_channels=2,
                 default_samplerate=48000.0),
            dict(name="USB Audio Mic", max_input_channels=1, max_output_channels=0,
                 default_samplerate=48000.0),
        ]  # fmt: skip

    def InputStream(self, **kwargs):
        stream = FakeStream(kwargs)
        self.streams.append(stream)
        return stream


class FakeStream:
    def __init__(self, kwargs) -> None:
        self.kwargs = kwargs
        self.started = False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.started = False

    def close(self) -> None:
        pass


def test_device_by_name_index_and_default() -> None:
    sd = FakeSoundDevice()
    assert find_device("usb audio", "input", sd).index == 1
    assert find_device(1, "input", sd).name == "USB Audio Mic"
    assert find_device("1", "input", sd).index == 1
    assert find_device(None, "input", sd).index == 1
    assert find_device("", "output", sd).name == "HDMI out"
    with pytest.raises(VoiceError, match="available input devices: 1: USB Audio Mic"):
        find_device(0, "input", sd)


def test_callback_feeds_a_bounded_queue_resampled_to_16k() -> None:
    sd = FakeSoundDevice()

    async def run() -> tuple[SoundDeviceSource, list]:
        source = SoundDeviceSource("USB", queue_blocks=5, block_ms=30, sd=sd)
        await source.start()
        stream = sd.streams[0]
        assert stream.kwargs["samplerate"] == 48000 and stream.kwargs["dtype"] == "int16"
        block = (np.ones((1440, 1)) * 1000).astype(np.int16)
        for _ in range(8):  # eight blocks into a queue of five: the oldest three are dropped
            stream.kwargs["callback"](block, 1440, None, None)
        await asyncio.sleep(0)
        chunks = []
        async for chunk in source.chunks():
            chunks.append(chunk)
            if len(chunks) == 5:
                break
        await source.close()
        return source, chunks

    source, chunks = asyncio.run(run())
    assert source.dropped_blocks == 3
    total = sum(len(c.array) for c in chunks)
    assert 5 * 480 - 40 <= total <= 5 * 480  # 48 kHz -> 16 kHz, minus the kernel's delay
    assert abs(int(chunks[-1].array[-1]) - 1000) < 20
