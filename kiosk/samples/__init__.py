"""The bundled sample questions of `kiosk demo` (and `kiosk bench`), made ready to play.

Spoken questions are synthesised on first use and kept in the cache: English with the bundled
Piper voice, Japanese with Open JTalk (the only offline voices here Whisper reads well: the
Korean and Chinese espeak-ng voices it cannot; BENCHMARKS.md, "Voices"). Recordings are real
human speech shipped with the kiosk (see samples/SOURCES.md).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.config import Settings
from kiosk.model_files import openjtalk_files, piper_voices
from knowledge.textnorm import spelled_out
from voice.audio import SAMPLE_RATE, concat_chunks, resample, write_wav

SAMPLES_DIR = Path(__file__).resolve().parent
LEAD_SILENCE_S = 0.6
TRAIL_SILENCE_S = 1.2
"""Trailing silence longer than any VAD hangover, so the endpoint is found inside the file."""


@dataclass(frozen=True, slots=True)
class Sample:
    lang: str
    kind: str
    """speak | recording | typed"""
    text: str
    """The question as written (for a recording, its reference transcript)."""
    path: Path | None = None
    """Audio to feed; None for typed questions."""
    expect: tuple[str, ...] = ()
    """Words a right answer holds (`expect` in questions.toml, from the data); empty for the
    recordings, which are not transit questions."""

    @property
    def description(self) -> str:
        spoken = "spoken by Open JTalk" if self.lang == "ja" else "spoken by Piper"
        label = {"speak": spoken, "recording": "real recording", "typed": "typed"}
        return f"{self.text} ({label[self.kind]})"


def load_questions(path: Path = SAMPLES_DIR / "questions.toml") -> list[dict[str, str]]:
    return tomllib.loads(path.read_text(encoding="utf-8"))["question"]


def prepare_samples(settings: Settings, out_dir: Path) -> list[Sample]:
    """Every sample, with spoken ones synthesised into `out_dir` once."""
    out_dir.mkdir(parents=True, exist_ok=True)
    transcripts = _recording_transcripts()
    samples: list[Sample] = []
    voices: dict[str, object] = {}
    for index, entry in enumerate(load_questions(), start=1):
        lang = entry["lang"]
        if "recording" in entry:
            name = entry["recording"]
            samples.append(
                Sample(lang, "recording", transcripts.get(name, name), SAMPLES_DIR / name)
            )
        elif "speak" in entry:
            path = out_dir / f"{index:02d}-{lang}-question.wav"
            if not path.is_file():
                if lang not in voices:
                    voices[lang] = _voice(settings, lang)
                write_wav(path, speak_with_silence(voices[lang], entry["speak"], lang))
            expect = tuple(entry.get("expect", ()))
            samples.append(Sample(lang, "speak", entry["speak"], path, expect))
        else:
            samples.append(Sample(lang, "typed", entry["typed"]))
    return samples


def speak_with_silence(voice: object, text: str, lang: str) -> np.ndarray:
    """16 kHz speech of `text` with silence before and after, as a microphone would hear it."""
    chunks = list(voice.synthesize(text, lang))  # type: ignore[attr-defined]
    speech = resample(concat_chunks(chunks), chunks[0].rate, SAMPLE_RATE)
    lead = np.zeros(round(LEAD_SILENCE_S * SAMPLE_RATE), dtype=np.int16)
    trail = np.zeros(round(TRAIL_SILENCE_S * SAMPLE_RATE), dtype=np.int16)
    return np.concatenate([lead, speech, trail])


def passenger_reply(asked: str, expect: tuple[str, ...], lang: str = "en") -> str:
    """What the sample's passenger says to the kiosk's "Did you mean A, B or C?" (English) or
    "AかBのことですか？" (Japanese): the offered name holding the expected words (spelled out
    as said), yes to the one name offered, no when none is the station meant."""
    if lang == "ja":
        options = re.sub(r"のことですか[？?]?$", "", asked.strip())
        names = [n for n in re.split(r"、|か(?=[\u30a0-\u30ff])", options) if n]
        yes, name_said, no = "はい。", "{}です。", "いいえ。"
    else:
        options = re.sub(r"^Did you mean\s+|\?$", "", asked.strip())
        names = [n.strip() for n in re.split(r",\s*|\s+or\s+", options) if n.strip()]
        yes, name_said, no = "Yes.", "{}.", "No."
    meant = [n for n in names if all(word in n for word in expect[:1])]
    if not meant:
        return no
    return yes if len(names) == 1 else name_said.format(spelled_out(meant[0]))


def speak_reply(settings: Settings, text: str, lang: str, path: Path) -> Path:
    """`text` said by the sample voice of `lang` into `path` (the demo's passenger replying)."""
    write_wav(path, speak_with_silence(_voice(settings, lang), text, lang))
    return path


def _voice(settings: Settings, lang: str) -> object:
    if lang == "ja":
        from voice.openjtalk import OpenJTalkVoice

        return OpenJTalkVoice(*openjtalk_files(settings))
    from voice.tts import PiperVoice

    onnx, config = piper_voices(settings)[lang]
    return PiperVoice(onnx, config)


def _recording_transcripts() -> dict[str, str]:
    """Reference transcripts from SOURCES.md's table (file | language | transcript | ...)."""
    rows: dict[str, str] = {}
    for line in (SAMPLES_DIR / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].endswith(".wav"):
            rows[cells[0]] = cells[2]
    return rows
