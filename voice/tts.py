"""Speech synthesis: Piper voices where installed, espeak-ng for every other language.

All voices implement `Synthesizer`: `synthesize(text, lang, rate)` yields one `AudioChunk` per
sentence, so playback can start as soon as the first sentence is ready. Text is normalised for
speech (`voice.speechnorm`) before it reaches a voice. `MultiVoice` picks the voice per language
so the kiosk always answers in the passenger's language, and resamples to the sink's rate.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import shutil
import subprocess
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import numpy as np

import languages
from voice.audio import AudioChunk, decode_wav, resample
from voice.errors import TtsError
from voice.speechnorm import normalize, split_sentences

logger = logging.getLogger(__name__)

ESPEAK_WPM = 165
"""espeak-ng speed at rate 1.0 (its default of 175 wpm is hurried for a station)."""


class Synthesizer(Protocol):
    """Text to audio, one chunk per sentence, at `sample_rate`."""

    sample_rate: int

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]: ...


def speakable_sentences(text: str, lang: str) -> list[str]:
    """The sentences a voice speaks: `text` normalised for speech, then split."""
    return split_sentences(normalize(text, lang), lang)


class PiperVoice:
    """A Piper (onnx) voice; `rate` < 1 speaks slower (Piper's length_scale is its inverse)."""

    def __init__(self, model_path: str | Path, config_path: str | Path | None = None) -> None:
        self.model_path = Path(model_path)
        self.config_path = Path(config_path) if config_path else None
        try:
            from piper import PiperVoice as _Piper
        except ImportError as err:
            raise TtsError("dependency-missing", "piper-tts is not installed") from err
        if not self.model_path.is_file():
            raise TtsError("voice-missing", f"Piper voice not found: {self.model_path}")
        try:
            self._voice: Any = _Piper.load(self.model_path, config_path=self.config_path)
        except (OSError, ValueError, KeyError) as err:
            raise TtsError("voice-missing", f"cannot load Piper voice {model_path}: {err}") from err
        except Exception as err:  # onnxruntime's own errors (a truncated .onnx) derive from it
            raise TtsError("model-corrupt", f"cannot load Piper voice {model_path}: {err}") from err
        self.sample_rate: int = int(self._voice.config.sample_rate)

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=1.0 / max(0.3, rate))
        for sentence in speakable_sentences(text, lang):
            # Piper splits further on its own phonemizer's sentence ends; join those parts so
            # one of our sentences is one chunk (a natural unit for barge-in and timing).
            parts = [c.audio_int16_bytes for c in self._voice.synthesize(sentence, config)]
            if parts:
                yield AudioChunk(b"".join(parts), rate=self.sample_rate)


class EspeakVoice:
    """espeak-ng as a subprocess (`--stdout` WAV), the voice for languages Piper lacks."""

    def __init__(self, lang: str, *, binary: str = "espeak-ng", voice: str | None = None) -> None:
        path = shutil.which(binary)
        if path is None:
            raise TtsError("dependency-missing", f"espeak-ng not found (looked for {binary!r})")
        self.binary = path
        self.lang = lang
        known = languages.find(lang)
        self.voice = voice or (known.espeak_voice if known else lang)
        self.sample_rate = 22_050

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        wpm = str(max(80, round(ESPEAK_WPM * rate)))
        for sentence in speakable_sentences(text, lang):
            if lang == "ja":
                sentence = kanji_to_kana(sentence)
            cmd = [self.binary, "-v", self.voice, "-s", wpm, "--stdout", "--", sentence]
            try:
                proc = subprocess.run(cmd, capture_output=True, timeout=30, check=True)
            except (subprocess.SubprocessError, OSError) as err:
                raise TtsError("tts-failed", f"espeak-ng failed for voice {self.voice}") from err
            samples = decode_wav(proc.stdout, rate=self.sample_rate)
            if len(samples):
                yield AudioChunk(samples, rate=self.sample_rate)


@functools.cache
def _kakasi() -> Any:
    import pykakasi

    return pykakasi.kakasi()


def kanji_to_kana(text: str) -> str:
    """Kanji as hiragana, everything else unchanged: espeak-ng's Japanese voice reads kana only
    and says "Japanese letter" for each kanji (駅, 出口, 号線 are in every answer)."""
    if not any("\u3400" <= ch <= "\u9fff" for ch in text):
        return text
    return "".join(
        part["hira"] if any("\u3400" <= ch <= "\u9fff" for ch in part["orig"]) else part["orig"]
        for part in _kakasi().convert(text)
    )


class MultiVoice:
    """One voice per language, output at `sample_rate` (the sink's rate).

    Languages without a configured voice get an `EspeakVoice`, created on first use, so an answer
    is never silent just because a Piper voice is missing. `readings` maps, per language, a
    written name to how the voice must say it (a Korean station's kanji 大谷 as テゴク): the
    captions keep the written form, the voice hears the reading.
    """

    def __init__(
        self,
        voices: Mapping[str, Synthesizer] | None = None,
        *,
        sample_rate: int = 16_000,
        espeak_binary: str = "espeak-ng",
        readings: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.voices: dict[str, Synthesizer] = dict(voices or {})
        self.sample_rate = sample_rate
        self.espeak_binary = espeak_binary
        self.readings = {lang: dict(names) for lang, names in (readings or {}).items() if names}
        # Longest first, so 仁川大公園 is rewritten whole before a shorter name inside it.
        self._written = {
            lang: re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))
            for lang, names in self.readings.items()
        }

    def spoken_text(self, text: str, lang: str) -> str:
        """`text` with every written name that has a reading replaced by that reading."""
        pattern = self._written.get(lang)
        if pattern is None:
            return text
        names = self.readings[lang]
        return pattern.sub(lambda m: names[m[0]], text)

    def voice_for(self, lang: str) -> Synthesizer:
        if lang not in self.voices:
            logger.info("no voice configured for %s, using espeak-ng", lang)
            self.voices[lang] = EspeakVoice(lang, binary=self.espeak_binary)
        return self.voices[lang]

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        spoken = self.spoken_text(text, lang)
        for chunk in self.voice_for(lang).synthesize(spoken, lang, rate):
            if chunk.rate != self.sample_rate:
                chunk = AudioChunk(
                    resample(chunk.array, chunk.rate, self.sample_rate), rate=self.sample_rate
                )
            yield chunk


class PhraseCache:
    """Remembers the audio of texts it has synthesised, so a phrase said again (the apologies,
    "please say the station name again", the station's commonest answers) plays at once
    instead of after ~200 ms of Piper. Least recently used entries go past `max_bytes`.

    Only in memory: the texts are the kiosk's own answers, never the passenger's words.
    """

    def __init__(self, synthesizer: Synthesizer, max_bytes: int = 32_000_000) -> None:
        self.synthesizer = synthesizer
        self.sample_rate = synthesizer.sample_rate
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0
        self._audio: OrderedDict[tuple[str, str, float], list[AudioChunk]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._audio)

    def clear(self) -> None:
        with self._lock:
            self._audio.clear()
            self._bytes = 0

    def synthesize(self, text: str, lang: str, rate: float = 1.0) -> Iterator[AudioChunk]:
        key = (text, lang, rate)
        with self._lock:
            cached = self._audio.get(key)
            if cached is not None:
                self._audio.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
        if cached is not None:
            yield from cached
            return
        chunks: list[AudioChunk] = []
        for chunk in self.synthesizer.synthesize(text, lang, rate):
            chunks.append(chunk)
            yield chunk
        self._keep(key, chunks)  # not reached when the caller stops early (barge-in)

    def _keep(self, key: tuple[str, str, float], chunks: list[AudioChunk]) -> None:
        size = sum(len(c.samples) for c in chunks)
        if not chunks or size > self.max_bytes:
            return
        with self._lock:
            if key in self._audio:
                return
            self._audio[key] = chunks
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, dropped = self._audio.popitem(last=False)
                self._bytes -= sum(len(c.samples) for c in dropped)


class SpeechWorker:
    """Runs a `Synthesizer` in its own thread and streams its sentences to async code.

    Each `next()` of the sentence generator (the blocking synthesis) runs in the worker, so
    the event loop stays free to play the previous sentence or to notice a barge-in.
    """

    def __init__(self, synthesizer: Synthesizer) -> None:
        self.synthesizer = synthesizer
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts")

    @property
    def sample_rate(self) -> int:
        return self.synthesizer.sample_rate

    @property
    def uncached(self) -> Synthesizer:
        """The voices without the phrase cache: what benchmarks time."""
        s = self.synthesizer
        return s.synthesizer if isinstance(s, PhraseCache) else s

    async def stream(self, text: str, lang: str, rate: float = 1.0) -> AsyncIterator[AudioChunk]:
        loop = asyncio.get_running_loop()
        sentences = iter(self.synthesizer.synthesize(text, lang, rate))
        done = object()
        while True:
            chunk = await loop.run_in_executor(self._executor, next, sentences, done)
            if chunk is done:
                return
            yield chunk  # type: ignore[misc]

    def warm(self, codes: Iterable[str]) -> None:
        """Speak one short word per language in the worker, so voices, their phonemizers and
        the Japanese reading dictionary are loaded before the first passenger arrives."""

        def speak_all() -> None:
            for lang in codes:
                known = languages.find(lang)
                self._say_silently(known.sample if known and known.sample else "ok", lang)

        self._executor.submit(speak_all).result()

    def _say_silently(self, text: str, lang: str, rate: float = 1.0) -> None:
        """Synthesise `text` and drop the audio (in the worker): loads voices, fills caches."""
        for _ in self.synthesizer.synthesize(text, lang, rate):
            pass

    def prepare(self, phrases: Iterable[tuple[str, str]]) -> int:
        """Synthesise (text, language) pairs in the worker, so a `PhraseCache` below holds them
        before a passenger needs them; returns how many were spoken. One phrase per worker task:
        a passenger's sentence waits behind at most one phrase, never the whole list. A phrase
        whose voice fails is skipped: the kiosk must start even if one language cannot speak."""
        done = 0
        for text, lang in phrases:
            try:
                job = self._executor.submit(self._say_silently, text, lang)
            except RuntimeError:  # the worker was closed: the kiosk is shutting down
                break
            try:
                job.result()
                done += 1
            except Exception as err:  # a voice that fails here fails visibly in a turn too
                logger.warning(
                    "phrase in %s not prepared [%s]", lang, getattr(err, "code", type(err).__name__)
                )
        return done

    async def prepare_async(self, text: str, lang: str, rate: float = 1.0) -> None:
        """Synthesise one sentence in the worker without playing it (for the phrase cache)."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._say_silently, text, lang, rate)

    def prepare_soon(self, phrases: Iterable[tuple[str, str]]) -> threading.Thread:
        """`prepare` in a background thread, so start-up does not wait for it (~2 s)."""
        thread = threading.Thread(
            target=self.prepare, args=(list(phrases),), name="tts-prepare", daemon=True
        )
        thread.start()
        return thread

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def is_audible(samples: np.ndarray, min_peak: int = 1000) -> bool:
    """A quick check that a voice produced sound, used by start-up self-tests."""
    return bool(len(samples)) and int(np.max(np.abs(samples.astype(np.int32)))) >= min_peak
