"""Hardware profiles (`hardware/*.toml`): devices, native rates, channel, gain, VAD, volume.

A station build is one of a few known boxes; a profile names what differs between them so a
deployment picks one by name (`audio.profile = "respeaker-4mic"`). Profiles are validated as
strictly as the settings file: an unknown key or an impossible value stops start-up with a
message naming `profile:section.key`, because a misconfigured microphone fails silently.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from kiosk.config import Settings
from kiosk.errors import ConfigError
from kiosk.toml_sections import build_section, suggest
from voice.vad import SegmenterConfig

HARDWARE_DIR = Path(__file__).resolve().parent.parent / "hardware"
"""Profiles shipped with the repository."""

_RATES = (8000, 11025, 16000, 22050, 32000, 44100, 48000, 88200, 96000)


@dataclass(frozen=True, slots=True)
class InputProfile:
    device: str = "default"
    """Name substring or index, as `kiosk audio-check` lists devices."""
    sample_rate: int = 48000
    """The device's native rate; resampled to 16 kHz once, at the device edge."""
    channels: int = 1
    channel: int = 0
    """The channel carrying the voice (a beamformed channel on mic arrays)."""
    gain_db: float = 0.0


@dataclass(frozen=True, slots=True)
class OutputProfile:
    device: str = "default"
    sample_rate: int = 48000
    volume: float = 0.8
    """0..1, applied before playback."""


@dataclass(frozen=True, slots=True)
class VadProfile:
    aggressiveness: int = 2
    start_seconds: float = 0.15
    hangover_seconds: float = 0.5
    min_seconds: float = 0.4
    max_seconds: float = 12.0
    energy_floor_dbfs: float = -50.0


@dataclass(frozen=True, slots=True)
class HardwareProfile:
    name: str
    description: str = ""
    input: InputProfile = InputProfile()
    output: OutputProfile = OutputProfile()
    vad: VadProfile = VadProfile()
    source: Path | None = None


_SECTIONS = {"input": InputProfile, "output": OutputProfile, "vad": VadProfile}


def list_profiles(directory: Path = HARDWARE_DIR) -> list[str]:
    """Names of the profiles in `directory`, sorted."""
    return sorted(p.stem for p in directory.glob("*.toml"))


def find_profile(name_or_path: str, directory: Path = HARDWARE_DIR) -> Path:
    """A profile file by name (`rpi5-usb`) or path; ConfigError naming the choices."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or "/" in name_or_path:
        if candidate.is_file():
            return candidate
        raise ConfigError("audio.profile", f"profile file not found: {candidate}")
    path = directory / f"{name_or_path}.toml"
    if path.is_file():
        return path
    known = list_profiles(directory)
    close = get_close_matches(name_or_path, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise ConfigError(
        "audio.profile", f"unknown profile '{name_or_path}'{hint}; known: {', '.join(known)}"
    )


def load_profile(name_or_path: str, directory: Path = HARDWARE_DIR) -> HardwareProfile:
    """Load and validate one profile."""
    path = find_profile(name_or_path, directory)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path.stem}", f"{path} is not valid TOML: {err}") from None
    return parse_profile(raw, name=path.stem, source=path)


def parse_profile(raw: dict[str, Any], *, name: str, source: Path | None = None) -> HardwareProfile:
    """Build a profile from TOML data; every problem names `profile:section.key`."""
    sections: dict[str, Any] = {}
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise ConfigError(f"{name}:description", "must be a string")
    for key, values in raw.items():
        if key == "description":
            continue
        cls = _SECTIONS.get(key)
        if cls is None:
            raise ConfigError(f"{name}:{key}", f"unknown section{suggest(key, _SECTIONS)}")
        if not isinstance(values, dict):
            raise ConfigError(f"{name}:{key}", "must be a table")
        sections[key] = build_section(f"{name}:{key}", cls, values)
    profile = HardwareProfile(name=name, description=description, source=source, **sections)
    _check(profile)
    return profile


def _check(p: HardwareProfile) -> None:
    def bad(key: str, message: str) -> ConfigError:
        return ConfigError(f"{p.name}:{key}", message)

    for section, device in (("input", p.input.device), ("output", p.output.device)):
        if not device.strip():
            raise bad(f"{section}.device", "must name a device (a name substring or an index)")
    for section, rate in (("input", p.input.sample_rate), ("output", p.output.sample_rate)):
        if rate not in _RATES:
            raise bad(f"{section}.sample_rate", f"{rate} is not a usual device rate {_RATES}")
    if not 1 <= p.input.channels <= 16:
        raise bad("input.channels", "must be 1..16")
    if not 0 <= p.input.channel < p.input.channels:
        raise bad("input.channel", f"must be 0..{p.input.channels - 1} (input.channels)")
    if not -30.0 <= p.input.gain_db <= 40.0:
        raise bad("input.gain_db", "must be -30..40 dB")
    if not 0.0 <= p.output.volume <= 1.0:
        raise bad("output.volume", "must be 0..1")
    v = p.vad
    if v.aggressiveness not in (0, 1, 2, 3):
        raise bad("vad.aggressiveness", "webrtcvad takes 0..3")
    for key in ("start_seconds", "hangover_seconds", "min_seconds", "max_seconds"):
        if getattr(v, key) <= 0:
            raise bad(f"vad.{key}", "must be positive")
    if v.min_seconds > v.max_seconds:
        raise bad("vad.min_seconds", "must not exceed vad.max_seconds")
    if not -100.0 <= v.energy_floor_dbfs <= 0.0:
        raise bad("vad.energy_floor_dbfs", "must be -100..0 dBFS")


def profile_for(settings: Settings, directory: Path = HARDWARE_DIR) -> HardwareProfile:
    """The configured profile with `audio.input_device`/`output_device` overrides applied."""
    profile = load_profile(settings.audio.profile, directory)
    if settings.audio.input_device:
        new_input = dataclasses.replace(profile.input, device=settings.audio.input_device)
        profile = dataclasses.replace(profile, input=new_input)
    if settings.audio.output_device:
        new_output = dataclasses.replace(profile.output, device=settings.audio.output_device)
        profile = dataclasses.replace(profile, output=new_output)
    return profile


def segmenter_config(vad: VadProfile) -> SegmenterConfig:
    """The hardware profile's VAD section as the segmenter's settings."""
    return SegmenterConfig(
        aggressiveness=vad.aggressiveness,
        start_s=vad.start_seconds,
        hangover_s=vad.hangover_seconds,
        min_utterance_s=vad.min_seconds,
        max_utterance_s=vad.max_seconds,
        energy_floor_dbfs=vad.energy_floor_dbfs,
    )
