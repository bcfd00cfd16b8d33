"""Hardware profiles: the shipped ones load, mistakes are named precisely."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kiosk.config import AudioSettings, Settings
from kiosk.errors import ConfigError
from kiosk.hardware import HARDWARE_DIR, list_profiles, load_profile, parse_profile, profile_for


def test_shipped_profiles_load() -> None:
    names = list_profiles()
    assert {"generic-usb", "respeaker-4mic", "rpi5-usb"} <= set(names)
    for name in names:
        profile = load_profile(name)
        assert profile.description and profile.source == HARDWARE_DIR / f"{name}.toml"
    respeaker = load_profile("respeaker-4mic")
    assert (respeaker.input.channels, respeaker.input.channel) == (6, 0)
    assert respeaker.input.sample_rate == 16000 and respeaker.vad.aggressiveness == 3
    assert load_profile("rpi5-usb").input.gain_db == 6.0


def test_settings_overrides_pick_devices() -> None:
    settings = dataclasses.replace(
        Settings(), audio=AudioSettings(profile="rpi5-usb", input_device="2", output_device="USB")
    )
    profile = profile_for(settings)
    assert (profile.input.device, profile.output.device) == ("2", "USB")
    assert profile.input.sample_rate == 44100


def test_profile_by_path(tmp_path: Path) -> None:
    path = tmp_path / "booth.toml"
    path.write_text('description = "booth"\n[input]\ndevice = 3\n', encoding="utf-8")
    profile = load_profile(str(path))
    assert profile.name == "booth" and profile.input.device == "3"
    assert profile.vad.max_seconds == 12.0  # defaults for what the file leaves out


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"input": {"chanel": 0}}, "x:input.chanel"),
        ({"inputs": {}}, "x:inputs"),
        ({"input": {"channels": 2, "channel": 2}}, "x:input.channel"),
        ({"input": {"sample_rate": 12345}}, "x:input.sample_rate"),
        ({"input": {"sample_rate": "48 kHz"}}, "x:input.sample_rate"),
        ({"output": {"volume": 1.5}}, "x:output.volume"),
        ({"vad": {"aggressiveness": 4}}, "x:vad.aggressiveness"),
        ({"vad": {"min_seconds": 13.0}}, "x:vad.min_seconds"),
        ({"vad": {"hangover_seconds": 0}}, "x:vad.hangover_seconds"),
        ({"input": {"device": ""}}, "x:input.device"),
    ],
)
def test_mistakes_name_the_key(raw: dict, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_profile(raw, name="x")
    assert err.value.key == key


def test_unknown_profile_suggests_a_name() -> None:
    with pytest.raises(ConfigError, match="did you mean 'rpi5-usb'"):
        load_profile("rpi5-usbb")


def test_profiles_and_settings_read_toml_values_by_the_same_rules() -> None:
    from kiosk.config import HttpSettings
    from kiosk.toml_sections import build_section

    profile = parse_profile({"input": {"sample_rate": "48000", "device": 2}}, name="x")
    assert profile.input.sample_rate == 48000 and profile.input.device == "2"
    http = build_section("http", HttpSettings, {"port": "8080"})
    assert http.port == 8080
