"""Speech recognition with faster-whisper, restricted to the kiosk's languages, with guards.

Whisper is a strong recogniser with two habits a kiosk cannot afford: it invents text on
silence and noise (YouTube outros such as "시청해주셔서 감사합니다") and it can loop on one phrase.
So every transcript passes through `stt_guards.guard_transcript`, which rejects or repairs it
and says why.

The model runs in its own single worker thread and the lazy `segments` generator is drained
inside that thread: iterating it on the event loop would block the loop for the whole decode.
"""

from __future__ import annotations

import asyncio
import logging
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from voice.audio import SAMPLE_RATE
from voice.errors import SttError
from voice.name_trie import rank_names
from voice.stt_guards import GuardConfig, Transcript, guard_transcript, peak_window_dbfs
from voice.whisper_pass import FRAMES_PER_SECOND, MIN_WINDOW_S, OnePassWhisper

logger = logging.getLogger(__name__)

CONTINUATION_TOKENS = 8
"""Enough for a station name and a word after it."""

Vocabulary = Callable[[str], Sequence[str]] | Mapping[str, Sequence[str]]
BiasMode = Literal["none", "hotwords", "prompt"]

PROMPT_LEAD = {
    "en": "Seoul subway stations: ",
    "ko": "서울 지하철역: ",
    "zh": "首尔地铁站：",
    "ja": "ソウルの地下鉄駅：",
}
"""Frames the station names as a list of stations. A bare list of names made Whisper write
ordinary English worse (WER 0.022 -> 0.079 on the real recordings); framed, it does not."""


class Transcriber(Protocol):
    """Speech to text; `language` forces a language, otherwise it is detected."""

    languages: tuple[str, ...]

    def transcribe(self, audio: bytes | np.ndarray, language: str | None = None) -> Transcript: ...


def _as_int16(audio: bytes | np.ndarray) -> np.ndarray:
    if isinstance(audio, bytes | bytearray | memoryview):
        return np.frombuffer(bytes(audio), dtype=np.int16)
    return audio.astype(np.int16) if audio.dtype != np.int16 else audio


class WhisperTranscriber:
    """faster-whisper in one worker thread, languages limited to `languages`.

    `vocabulary` maps a language to station names; with `bias="prompt"` they become a short
    initial prompt, with `bias="hotwords"` Whisper's hotword prefix. The prompt is capped at
    `max_prompt_chars` because a long prompt slows every decode and invites it to be echoed.
    """

    def __init__(
        self,
        model_dir: str | Path,
        languages: Sequence[str],
        *,
        compute_type: str = "int8",
        cpu_threads: int = 2,
        beam_size: int = 1,
        max_new_tokens: int = 160,
        vocabulary: Vocabulary | None = None,
        bias: BiasMode = "prompt",
        bias_languages: Sequence[str] | None = None,
        max_prompt_chars: int = 120,
        beam_sizes: Mapping[str, int] | None = None,
        min_window_s: float = MIN_WINDOW_S,
        guards: GuardConfig | None = None,
        model: Any = None,
    ) -> None:
        if not languages:
            raise SttError("stt-config", "at least one recognition language is required")
        self.model_dir = Path(model_dir)
        self.languages = tuple(languages)
        self.compute_type = compute_type
        self.cpu_threads = cpu_threads
        self.beam_size = beam_size
        self.max_new_tokens = max_new_tokens
        self.vocabulary = vocabulary
        self.bias = bias
        self.bias_languages = tuple(bias_languages) if bias_languages is not None else None
        self.max_prompt_chars = max_prompt_chars
        self.beam_sizes = dict(beam_sizes or {})
        self.min_window_frames = round(min_window_s * FRAMES_PER_SECOND)
        self.guards = guards or GuardConfig()
        self._model = model  # injected fake in tests; loaded lazily in the worker otherwise
        self._name_tokens: tuple[tuple[str, tuple[str, ...]], list[list[int]]] = (("", ()), [])
        """(language and names, their token ids): names are tokenized once per set."""
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="whisper")

    # -- lifecycle --

    def load(self) -> None:
        """Load the model now (in the worker), so the first passenger does not wait for it."""
        self._executor.submit(self._ensure_model).result()

    def _ensure_model(self) -> Any:
        if self._model is None:
            started = time.perf_counter()
            try:
                from faster_whisper import WhisperModel

                self._model = OnePassWhisper(
                    WhisperModel(
                        str(self.model_dir),
                        device="cpu",
                        compute_type=self.compute_type,
                        cpu_threads=self.cpu_threads,
                        num_workers=1,
                    )
                )
            except ImportError as err:
                raise SttError("dependency-missing", "faster-whisper is not installed") from err
            except (RuntimeError, ValueError, OSError) as err:
                raise SttError(
                    "model-missing", f"cannot load Whisper from {self.model_dir}: {err}"
                ) from err
            logger.info("whisper loaded in %.1f s", time.perf_counter() - started)
        return self._model

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- recognition --

    def transcribe(self, audio: bytes | np.ndarray, language: str | None = None) -> Transcript:
        """Blocking call from any thread; the work itself runs in the worker thread."""
        return self._executor.submit(self._transcribe, _as_int16(audio), language).result()

    async def transcribe_async(
        self,
        audio: bytes | np.ndarray,
        language: str | None = None,
        names: Sequence[str] | None = None,
    ) -> Transcript:
        """`names`: the station names to prompt with instead of the vocabulary (the names the
        kiosk just offered: a reply to "Did you mean Danggok or Dangsan?" is one of them,
        or yes or no)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, self._transcribe, _as_int16(audio), language, names
        )

    def _transcribe(
        self, pcm: np.ndarray, language: str | None, names: Sequence[str] | None = None
    ) -> Transcript:
        duration = len(pcm) / SAMPLE_RATE
        level = peak_window_dbfs(pcm)
        if level < self.guards.min_level_dbfs:
            logger.info("stt skipped near-silent audio (%.1f dBFS)", level)
            lang = language or self.languages[0]
            return Transcript("", lang, 0.0, 0.0, 1.0, duration, "silence")
        model = self._ensure_model()
        audio = pcm.astype(np.float32) / 32768.0
        try:
            text, lang, lang_prob, avg_logprob, no_speech, prompt, encoded = self._decode(
                model, audio, language, names
            )
        except SttError:
            raise
        except Exception as err:  # any decoder failure is one stage error
            raise SttError("stt-failed", f"whisper failed: {type(err).__name__}: {err}") from err
        text = unicodedata.normalize("NFC", text.strip())
        raw = Transcript(
            text, lang, lang_prob, avg_logprob, no_speech, duration, None, encoded, prompt
        )
        return guard_transcript(raw, self.guards, prompt)

    def _decode(
        self, model: Any, audio: np.ndarray, language: str | None, names: Sequence[str] | None
    ) -> tuple[str, str, float, float, float, str | None, Any]:
        """(text, language, its probability, avg log-prob, no-speech prob, prompt used, the
        encoder output)."""
        encoded = model.encode(audio, self.min_window_frames)
        if language:
            lang, lang_prob = language, 1.0
        elif len(self.languages) == 1:
            lang, lang_prob = self.languages[0], 1.0
        else:
            allowed = [(code, p) for code, p in model.languages(encoded) if code in self.languages]
            lang, lang_prob = max(allowed, key=lambda item: item[1])
        bias = self._bias_kwargs(lang, names)
        text, avg_logprob, no_speech = model.generate(
            encoded,
            lang,
            beam_size=self.beam_sizes.get(lang, self.beam_size),
            max_new_tokens=self.max_new_tokens,
            **bias,
        )
        prompt = bias.get("initial_prompt") or bias.get("hotwords")
        return text, lang, float(lang_prob), avg_logprob, no_speech, prompt, encoded

    def score_readings(
        self, heard: Transcript | bytes | np.ndarray, lang: str, sentences: Sequence[str]
    ) -> list[float]:
        """Log-probability of each reading of what was heard (`OnePassWhisper.score`): a
        station name Whisper misheard ("your weed") is put back in its sentence as each
        candidate name, and the audio decides. A `Transcript` brings its encoder output; raw
        audio is encoded first. Blocking; runs in the worker thread."""

        def work() -> list[float]:
            model = self._ensure_model()
            if isinstance(heard, Transcript):
                if heard.encoded is None:
                    raise SttError("stt-failed", "the transcript kept no encoder output")
                encoded, seconds = heard.encoded, heard.duration_s
            else:
                pcm = _as_int16(heard).astype(np.float32) / 32768.0
                encoded = model.encode(pcm, self.min_window_frames)
                seconds = len(pcm) / SAMPLE_RATE
            return model.score(encoded, lang, sentences, seconds)

        return self._executor.submit(work).result()

    def continue_reading(self, heard: Transcript, prefix: str, count: int = 8) -> list[str]:
        """Whisper's `count` likeliest continuations of the `prefix` of what it heard
        (`OnePassWhisper.continuations`): other spellings of the sounds after it. Blocking;
        runs in the worker thread."""

        def work() -> list[str]:
            if heard.encoded is None:
                raise SttError("stt-failed", "the transcript kept no encoder output")
            model = self._ensure_model()
            found = model.continuations(
                heard.encoded,
                heard.language,
                prefix,
                count,
                CONTINUATION_TOKENS,
                heard.duration_s,
            )
            return [unicodedata.normalize("NFC", text) for text in found]

        return self._executor.submit(work).result()

    def rank_names(
        self, heard: Transcript, before: str, after: str, names: Sequence[str], branches: int
    ) -> list[float]:
        """How likely the decoder finds each of `names` between the words `before` and `after`
        of what it heard, from the kept encoder output (`voice.name_trie`): a score per name,
        -inf for names it did not reach. Blocking; runs in the worker thread."""

        def work() -> list[float]:
            if heard.encoded is None:
                raise SttError("stt-failed", "the transcript kept no encoder output")
            model = self._ensure_model()
            lang = heard.language
            key = (lang, tuple(names))
            if self._name_tokens[0] != key:  # the station names change with the data only
                self._name_tokens = (key, [model.tokens(lang, name) for name in names])
            following = model.tokens(lang, after)[:1] or [model.end_of_text(lang)]

            def next_tokens(prefixes: Sequence[Sequence[int]]) -> list[np.ndarray | None]:
                return model.next_tokens(heard.encoded, lang, prefixes, heard.duration_s)

            scores = rank_names(
                next_tokens, model.tokens(lang, before), self._name_tokens[1], following[0],
                branches,
            )  # fmt: skip
            return [float(score) for score in scores]

        return self._executor.submit(work).result()

    def reread(self, heard: Transcript) -> str:
        """What Whisper writes for the same audio without its prompt of station names (greedy,
        from the kept encoder output: the decoder's cost only). A name the prompt put in the
        transcript ("Gangnam" for Danggok at the Gangnam kiosk) is missing from this one."""

        def work() -> str:
            if heard.encoded is None:
                raise SttError("stt-failed", "the transcript kept no encoder output")
            model = self._ensure_model()
            text, _, _ = model.generate(
                heard.encoded, heard.language, beam_size=1, max_new_tokens=self.max_new_tokens
            )
            return unicodedata.normalize("NFC", text.strip())

        return self._executor.submit(work).result()

    def names_for(self, lang: str) -> list[str]:
        if self.vocabulary is None:
            return []
        if callable(self.vocabulary):
            return list(self.vocabulary(lang))
        return list(self.vocabulary.get(lang, ()))

    def _bias_kwargs(self, lang: str, names: Sequence[str] | None = None) -> dict[str, str]:
        if self.bias == "none":
            return {}
        if self.bias_languages is not None and lang not in self.bias_languages:
            return {}
        names = self.names_for(lang) if names is None else list(names)
        if not names:
            return {}
        sep = "、" if lang in ("zh", "ja") else ", "
        lead = PROMPT_LEAD.get(lang, "")
        chosen: list[str] = []
        for name in names:
            if len(lead + sep.join([*chosen, name])) > self.max_prompt_chars:
                break
            chosen.append(name)
        if not chosen:
            return {}
        text = lead + sep.join(chosen)
        text = unicodedata.normalize("NFC", text)
        return {"hotwords": text} if self.bias == "hotwords" else {"initial_prompt": text}
