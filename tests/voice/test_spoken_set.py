"""The synthetic spoken set (scripts/spoken_set.py) keeps its promises.

The fast tests build only the item list; one `models` test synthesises three items.
"""

from __future__ import annotations

import csv
import shutil
import wave
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest

from tests.kit.paths import REPO
from tests.kit.scripts import load_script
from voice.audio import SAMPLE_RATE, read_wav

STATIONS_CSV = REPO / "knowledge" / "data" / "seoul" / "stations.csv"


spoken_set = load_script("spoken_set")


@pytest.fixture(scope="module")
def items(tmp_path_factory: pytest.TempPathFactory):
    return spoken_set.build_items(tmp_path_factory.mktemp("spoken"))


@pytest.fixture(scope="module")
def csv_names() -> dict[str, set[str]]:
    """English names per Korean name, read straight from the CSV."""
    names: dict[str, set[str]] = defaultdict(set)
    with STATIONS_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            names[row["name_ko"]].add(row["name_en"].strip())
    return names


def test_size_and_spread(items) -> None:
    assert len(items) >= 150
    assert len({i.id for i in items}) == len(items)
    assert len({i.wav for i in items}) == len(items)
    named = [i for i in items if i.intent in spoken_set.TEMPLATES]
    assert len(named) >= 150
    per_station = Counter(i.station_ko for i in named)
    assert len(per_station) >= 50
    assert set(per_station.values()) <= {3, 4}
    unnamed = [i for i in items if i.intent in spoken_set.HERE_TEMPLATES]
    assert len(unnamed) == spoken_set.N_HERE == len(items) - len(named)


def test_speakers_rates_and_noise_rotate(items) -> None:
    speakers = Counter(i.speaker for i in items)
    assert len(speakers) >= 6
    assert max(speakers.values()) - min(speakers.values()) <= 2
    assert {i.rate for i in items} == {"normal", "slow"}
    assert {i.noisy for i in items} == {True, False}
    for speaker in speakers:  # every speaker is heard at both rates, clean and noisy
        mine = [i for i in items if i.speaker == speaker]
        assert {(i.rate, i.noisy) for i in mine} == {
            (r, n) for r in ("normal", "slow") for n in (True, False)
        }


def test_never_the_kiosk_voice(items) -> None:
    for speaker in spoken_set.SPEAKERS:
        assert "joe" not in speaker.name and "piper" not in speaker.engine
    assert {i.speaker for i in items} <= set(spoken_set.SPEAKER_BY_NAME)


def test_expected_stations_come_from_the_csv(items, csv_names) -> None:
    for item in items:
        assert item.station_en in csv_names[item.station_ko], item
        assert "?" not in item.station_en and len(item.station_en.split()) <= 4
        if item.intent in spoken_set.TEMPLATES:
            assert item.station_en in item.text
            assert item.station_ko != spoken_set.HERE
        else:  # the kiosk's own station, asked about without a name
            assert item.intent in spoken_set.HERE_TEMPLATES
            assert item.station_ko == spoken_set.HERE
            assert not any(name.lower() in item.text.lower() for name in csv_names[item.station_ko])


def test_adding_unnamed_questions_kept_the_named_draw(items) -> None:
    """Figures of earlier draws stay comparable: the named items are drawn first, as before."""
    first = items[0]
    assert (first.text, first.station_en) == ("Which way is it to Deokgye?", "Deokgye")
    assert items[186].text == "Where can I find the elevator at Moran?"


def test_lines_are_spread(items) -> None:
    complexes = spoken_set.load_complexes()
    lines = {line for ko in {i.station_ko for i in items} for line in complexes[ko].lines}
    assert len(lines) >= 15


def test_deterministic(items) -> None:
    again = spoken_set.build_items(Path(items[0].wav).parent)
    assert again == items


@pytest.mark.models
def test_three_speakers_synthesise_16k_mono_speech(items, tmp_path: Path) -> None:
    engines = {"flite": "flite", "festival": "text2wave", "espeak-ng": "espeak-ng"}
    missing = [b for b in engines.values() if shutil.which(b) is None]
    assert not missing, f"not installed (scripts/setup.sh installs them): {', '.join(missing)}"
    picked = {}
    for item in items:  # one item per engine, one of them noisy
        engine = spoken_set.SPEAKER_BY_NAME[item.speaker].engine
        if engine not in picked and (item.noisy or len(picked) < 2):
            picked[engine] = item
    chosen = [
        spoken_set.Item(**{**spoken_set.asdict(i), "wav": str(tmp_path / f"{i.id}.wav")})
        for i in picked.values()
    ]
    assert len({i.speaker for i in chosen}) == 3
    spoken_set.write_set(chosen, jobs=2)
    for item in chosen:
        with wave.open(item.wav, "rb") as wav:
            assert wav.getframerate() == SAMPLE_RATE
            assert wav.getnchannels() == 1
            assert wav.getsampwidth() == 2
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        seconds = len(samples) / SAMPLE_RATE
        assert seconds > spoken_set.LEAD_S + spoken_set.TAIL_S + 0.5
        lead = samples[: int(0.3 * SAMPLE_RATE)].astype(np.float64)
        start, end = (int(s * SAMPLE_RATE) for s in (spoken_set.LEAD_S, spoken_set.TAIL_S))
        speech_rms = np.sqrt(np.mean(samples[start:-end].astype(np.float64) ** 2))
        assert speech_rms > 500, item  # not silent
        if not item.noisy:
            assert np.max(np.abs(lead)) == 0  # the lead-in is silence
        else:
            assert 0 < np.sqrt(np.mean(lead**2)) < speech_rms / 2  # fan noise, under the speech


@pytest.mark.models
def test_a_reply_follows_the_very_question_the_kiosk_heard(
    items, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kiosk's offer was made to the item's own recording, noise and all: the reply file
    must play that recording again, not a fresh rendering under other noise."""
    from types import SimpleNamespace

    monkeypatch.syspath_prepend(str(REPO / "scripts"))  # it imports spoken_set as the scripts do
    spoken_confirm = load_script("spoken_confirm")
    item = next(i for i in items if i.noisy and i.speaker.startswith("flite"))
    item = spoken_set.Item(**{**spoken_set.asdict(item), "wav": str(tmp_path / "q.wav")})
    spoken_set.write_set([item], jobs=1)
    row = SimpleNamespace(
        item=item, turns=[{"answer": "Did you mean Somewhere?"}], turn_verdicts=["clarify"]
    )
    names = SimpleNamespace(mentions=lambda ko, text: True, others=lambda ko, text: [])
    [(replayed, said)] = spoken_confirm.write_replies([row], tmp_path / "replies", names)
    assert said == "Yes."
    first = read_wav(Path(item.wav), SAMPLE_RATE)
    again = read_wav(Path(replayed.wav), SAMPLE_RATE)
    heard = len(first) - int(spoken_set.TAIL_S * SAMPLE_RATE)
    assert np.array_equal(again[:heard], first[:heard])
    assert len(again) > len(first)  # the pause and the reply follow
