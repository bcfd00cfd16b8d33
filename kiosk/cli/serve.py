"""`kiosk serve` (the daemon) and `kiosk audio-check` (is the sound hardware usable?)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

import numpy as np

from kiosk.cli.common import settings_from_args
from kiosk.config import Settings

logger = logging.getLogger(__name__)

EXIT_DEVICE = 1


def add_serve_commands(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> None:
    serve = subparsers.add_parser(
        "serve",
        parents=[common],
        help="run the kiosk: microphone -> answers -> speaker, plus the HTTP side",
        description="Run the kiosk daemon. HTTP (/livez, /readyz, /metrics, /status, captions, "
        "operator API) starts first; models and the knowledge base load next; audio devices "
        "are opened last and retried every few seconds while missing. SIGTERM stops it.",
    )
    serve.add_argument("--host", default=None, help="HTTP bind address (default: from config)")
    serve.add_argument(
        "--port", type=int, default=None, help="HTTP port; 0 picks a free one (default: config)"
    )
    serve.add_argument(
        "--input",
        default=None,
        metavar="DEVICE|FILE.wav",
        help="input device (name substring or index) or a WAV file fed in real time",
    )
    serve.add_argument(
        "--output",
        default=None,
        metavar="DEVICE|FILE.wav",
        help="output device or a WAV file for the replies (default: the profile's device; "
        "with a WAV input, DATA_DIR/replies/NAME-replies.wav)",
    )
    serve.set_defaults(func=cmd_serve)

    check = subparsers.add_parser(
        "audio-check",
        parents=[common],
        help="list audio devices, record a second (level, clipping), play a test tone",
        description="Check the sound hardware of the configured hardware profile. Exits 1 and "
        "names the missing device when the microphone or speaker cannot be opened.",
    )
    check.add_argument("--seconds", type=float, default=1.0, help="recording length")
    check.add_argument("--no-tone", action="store_true", help="do not play the test tone")
    check.set_defaults(func=cmd_audio_check)


def cmd_serve(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    return asyncio.run(_serve(settings, args))


async def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from kiosk.service import KioskService, ServeOptions

    options = ServeOptions(host=args.host, port=args.port, input=args.input, output=args.output)
    service = KioskService(settings, options)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runner = asyncio.create_task(service.run(stop))
    # The bound address on stderr, for operators and for tests started with --port 0.
    started = asyncio.create_task(service.http_started.wait())
    await asyncio.wait({runner, started}, return_when=asyncio.FIRST_COMPLETED)
    started.cancel()
    if service.http_started.is_set():
        print(f"kiosk: serving on {service.server.url}", file=sys.stderr, flush=True)
    await runner
    return 0


def cmd_audio_check(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    return asyncio.run(_audio_check(settings, args.seconds, not args.no_tone))


async def _audio_check(settings: Settings, seconds: float, tone: bool) -> int:
    from kiosk.hardware import profile_for
    from voice.devices import SoundDeviceSink, SoundDeviceSource, list_devices
    from voice.errors import VoiceError
    from voice.frames import rms_dbfs

    profile = profile_for(settings)
    print(f"hardware profile: {profile.name} ({profile.description})")
    try:
        devices = list_devices()
    except VoiceError as err:
        print(f"kiosk audio-check: {err}", file=sys.stderr)
        return EXIT_DEVICE
    print(f"{len(devices)} audio device(s):")
    for d in devices:
        print(
            f"  {d.index}: {d.name} (in {d.max_input_channels}, out {d.max_output_channels}, "
            f"{d.default_samplerate:.0f} Hz)"
        )
    failed = False
    source = SoundDeviceSource(profile.input.device, channels=profile.input.channels)
    try:
        samples = await _record(source, seconds)
    except VoiceError as err:
        print(
            f"kiosk audio-check: microphone {profile.input.device!r} (profile {profile.name}) "
            f"cannot be used: {err}",
            file=sys.stderr,
        )
        failed = True
    else:
        clipped = float(np.mean(np.abs(samples.astype(np.int32)) >= 32700)) if len(samples) else 0
        peak = int(np.max(np.abs(samples.astype(np.int32)))) if len(samples) else 0
        name = source.device.name if source.device else "?"
        print(
            f"recorded {len(samples) / 16000:.2f} s from {name}: "
            f"level {rms_dbfs(samples):.1f} dBFS, peak {peak}, clipping {clipped * 100:.2f} %"
        )
        if clipped > 0.001:
            print("warning: the microphone clips; lower input.gain_db or the mixer level")
    if tone:
        try:
            await _tone(SoundDeviceSink(profile.output.device), profile.output.volume)
            print(f"played a 1 s 440 Hz tone on {profile.output.device!r}")
        except VoiceError as err:
            print(
                f"kiosk audio-check: speaker {profile.output.device!r} (profile {profile.name}) "
                f"cannot be used: {err}",
                file=sys.stderr,
            )
            failed = True
    return EXIT_DEVICE if failed else 0


async def _record(source: object, seconds: float) -> np.ndarray:
    parts: list[np.ndarray] = []
    total = 0
    await source.start()  # type: ignore[attr-defined]
    try:
        async for chunk in source.chunks():  # type: ignore[attr-defined]
            parts.append(chunk.array)
            total += len(chunk.array)
            if total >= seconds * 16000:
                break
    finally:
        await source.close()  # type: ignore[attr-defined]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)


async def _tone(sink: object, volume: float) -> None:
    from voice.audio import AudioChunk

    t = np.arange(16000) / 16000
    wave = (np.sin(2 * np.pi * 440 * t) * 0.5 * volume * 32767).astype(np.int16)
    await sink.start()  # type: ignore[attr-defined]
    try:
        await sink.play(AudioChunk(wave))  # type: ignore[attr-defined]
        await sink.drain()  # type: ignore[attr-defined]
    finally:
        with contextlib.suppress(Exception):
            await sink.close()  # type: ignore[attr-defined]
