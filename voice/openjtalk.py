"""Japanese voice: Open JTalk with an HTS voice (pyopenjtalk-plus; the "Mei" voice by default).

An HMM voice, not a neural one: about 0.04 real-time factor on one core, 48 kHz output, and
Whisper reads it back almost exactly (BENCHMARKS.md, "Voices"), where espeak-ng's Japanese is
hard to follow. Open JTalk reads kanji with Japanese readings, so a Korean station name given in
kanji (대곡 as 大谷) must reach it in katakana: `MultiVoice(readings=...)` rewrites names first.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from voice.audio import AudioChunk
from voice.errors import TtsError
from voice.tts import speakable_sentences

PEAK = 32_000
"""Loudest sample after scaling: Mei's waveform overshoots int16 (peaks near 37,000), and a
clipped peak crackles through a kiosk's speaker."""


@functools.cache
def bundled_files() -> tuple[Path, Path] | None:
    """(HTS voice file, dictionary folder) shipped inside pyopenjtalk-plus, or None when the
    package is not installed. Found without importing it (the import loads the dictionary)."""
    spec = importlib.util.find_spec("pyopenjtalk")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / "htsvoice" / "mei_normal.htsvoice", root / "dictionary"


def reading_model_files() -> list[Path]:
    """Models pyopenjtalk-plus loads besides the voice and dictionary: two small ONNX models
    that read 何, and Sudachi's dictionary for words with several readings (方面)."""
    bundled = bundled_files()
    if bundled is None:
        return []
    found = [bundled[1].parent / "yomi_model" / n for n in ("nani_enc.onnx", "nani_model.onnx")]
    sudachi = importlib.util.find_spec("sudachidict_core")
    if sudachi is not None and sudachi.submodule_search_locations:
        root = Path(next(iter(sudachi.submodule_search_locations)))
        found.append(root / "resources" / "system.dic")
    return found


class OpenJTalkVoice:
    """Open JTalk front end (text -> labels) and HTS engine (labels -> audio), one sentence per
    chunk; `rate` < 1 speaks slower. Own instances, not pyopenjtalk's globals, so the voice and
    dictionary paths are the configured ones."""

    def __init__(self, voice_path: Path | None = None, dictionary: Path | None = None) -> None:
        bundled = bundled_files()
        if bundled is None:
            raise TtsError(
                "dependency-missing", "pyopenjtalk-plus is not installed (scripts/setup.sh)"
            )
        self.voice_path = voice_path or bundled[0]
        self.dictionary = dictionary or bundled[1]
        if not self.voice_path.is_file():
            raise TtsError("voice-missing", f"Open JTalk voice not found: {self.voice_path}")
        if not (self.dictionary / "sys.dic").is_file():
            raise TtsError(
                "voice-missing", f"Open JTalk dictionary not found: {self.dictionary}/sys.dic"
            )
        import pyopenjtalk
        from pyopenjtalk.htsengine import HTSEngine
        from pyopenjtalk.openjtalk import OpenJTalk

        self._frontend = pyopenjtalk
        try:
            self._jtalk: Any = OpenJTalk(dn_mecab=str(self.dictionary).encode())
            self._engine: Any = HTSEngine(str(self.voice_path).encode())
        except (RuntimeError, OSError, ValueError) as err:
            raise TtsError("model-corrupt", f"cannot load Open JTalk voice: {err}") from err
        self.sample_rate = int(self._engine.get_sampling_frequency())

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        for sentence in speakable_sentences(text, lang):
            try:
                labels = self._frontend.extract_fullcontext(sentence, jtalk=self._jtalk)
                self._engine.set_speed(max(0.3, rate))
                wave = np.asarray(self._engine.synthesize(labels), dtype=np.float64)
            except (RuntimeError, ValueError) as err:
                raise TtsError("tts-failed", f"Open JTalk failed: {err}") from err
            if not len(wave):
                continue
            peak = float(np.max(np.abs(wave)))
            if peak > PEAK:
                wave *= PEAK / peak
            yield AudioChunk(wave.astype(np.int16), rate=self.sample_rate)
