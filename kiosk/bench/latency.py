"""Whole turns for `kiosk bench`: the kiosk's pipeline against the naive sequential baseline.

Both are fed the same bundled sample questions, faster than real time, and both count the VAD
hangover the passenger lives through, so the one figure, **speech end to first audio**, means
the same thing on both sides (see `kiosk.simulate` for the definition).

The baseline is the pipeline a first prototype would have: wait for the endpoint, transcribe
(language detection included), retrieve, always ask the LLM (no cached system prompt), synthesise
the whole answer, and only then start playing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.app import Kiosk
from kiosk.samples import Sample
from kiosk.simulate import simulate_file
from kiosk.stages import Timing
from knowledge.answers.llm import user_message
from voice.audio import WavFileSource, concat_chunks
from voice.vad import EndpointEventType, SegmenterConfig, VadEndpointer

logger = logging.getLogger(__name__)

STAGES = (
    (Timing.VAD_HANGOVER, "VAD hangover"),
    (Timing.STT, "STT (compute)"),
    (Timing.STT_WAIT, "STT wait after endpoint"),
    (Timing.ANSWER_UNDERSTAND, "understanding"),
    (Timing.ANSWER_RETRIEVE, "retrieval"),
    (Timing.ANSWER_FIRST_SENTENCE, "answer first sentence"),
    (Timing.TTS_FIRST_AUDIO, "TTS first audio"),
)
"""Per-turn timings reported as stage medians, in data-path order (key, label)."""

BASELINE_STAGES = (
    Timing.VAD_HANGOVER,
    Timing.STT,
    Timing.RETRIEVAL,
    Timing.LLM,
    Timing.TTS,
)
"""What the naive baseline times, in its order."""

BASELINE_MAX_TOKENS = 96


@dataclass(frozen=True, slots=True)
class Utterance:
    """One endpointed utterance of a sample file, as the VAD found it."""

    sample: Sample
    audio: bytes
    seconds: float
    hangover_ms: float


async def kiosk_turns(
    kiosk: Kiosk,
    samples: Sequence[Sample],
    vad: SegmenterConfig,
    *,
    rounds: int = 1,
    before_each: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """Every spoken sample through `simulate_file` (speculative STT, streaming answer)."""
    records: list[dict[str, Any]] = []
    for _ in range(rounds):
        for sample in samples:
            assert sample.path is not None
            if before_each is not None:
                before_each()
            for record in await simulate_file(kiosk.runner, sample.path, vad=vad):
                records.append(_compact(record, sample))
    return records


async def endpointed(samples: Sequence[Sample], vad: SegmenterConfig) -> list[Utterance]:
    """The utterances the VAD finds in each sample (normally one each)."""
    found: list[Utterance] = []
    for sample in samples:
        assert sample.path is not None
        async for event in VadEndpointer(vad).events(WavFileSource(sample.path).chunks()):
            if event.type is EndpointEventType.UTTERANCE:
                hangover = float(event.end_ms - event.speech_end_ms)
                found.append(Utterance(sample, event.audio, event.seconds, hangover))
    return found


def baseline_turns(
    kiosk: Kiosk, utterances: Sequence[Utterance], *, rounds: int = 1
) -> list[dict[str, Any]]:
    """The naive sequential pipeline over the same utterances; blocking, one stage at a time."""
    llm = kiosk.answerer.llm
    if llm is None:
        raise RuntimeError("the baseline needs the LLM (models.llm_languages is empty)")
    generator = llm.generator
    model = generator.llm  # type: ignore[attr-defined]
    here = kiosk.answerer.here(None)
    system = llm.system_prompt()
    template = generator.template  # type: ignore[attr-defined]
    voice = kiosk.speaker.uncached  # the naive pipeline has no phrase cache
    records: list[dict[str, Any]] = []
    for _ in range(rounds):
        for utt in utterances:
            timings: dict[str, float] = {Timing.VAD_HANGOVER: utt.hangover_ms}
            t0 = time.perf_counter()
            transcript = kiosk.transcriber.transcribe(utt.audio)
            t = _mark(timings, Timing.STT, t0)
            question, lang = transcript.text or "?", transcript.language
            passages = kiosk.kb.search(question, lang, station=here, k=4)
            t = _mark(timings, Timing.RETRIEVAL, t)
            prompt = template.prompt(system, user_message(question, [p.text for p in passages]))

            def complete(prompt: str = prompt) -> dict[str, Any]:
                model.reset()  # no cached system prompt: the naive pipeline evaluates it all
                return model(
                    prompt,
                    max_tokens=BASELINE_MAX_TOKENS,
                    temperature=0.0,
                    stop=list(template.stop),
                )

            out = generator.on_model_thread(complete)  # type: ignore[attr-defined]
            answer = out["choices"][0]["text"].strip() or "Sorry."
            t = _mark(timings, Timing.LLM, t)
            audio = concat_chunks(voice.synthesize(answer, lang))
            _mark(timings, Timing.TTS, t)
            first_audio = (time.perf_counter() - t0) * 1000
            timings[Timing.SPEECH_END_TO_FIRST_AUDIO] = round(utt.hangover_ms + first_audio, 1)
            records.append(
                {
                    "sample": utt.sample.text,
                    "lang": utt.sample.lang,
                    "heard_lang": lang,
                    "llm_tokens": out["usage"]["completion_tokens"],
                    "reply_s": round(len(audio) / voice.sample_rate, 2),
                    "timings_ms": timings,
                }
            )
    return records


def _mark(timings: dict[str, float], name: str, since: float) -> float:
    now = time.perf_counter()
    timings[name] = round((now - since) * 1000, 1)
    return now


def _compact(record: dict[str, Any], sample: Sample) -> dict[str, Any]:
    """The parts of a simulate record the bench reports (no passenger words beyond samples)."""
    timings = dict(record.get("timings_ms", {}))
    timings.setdefault(Timing.ANSWER_RETRIEVE, 0.0)
    return {
        "sample": sample.text,
        "lang": sample.lang,
        "kind": sample.kind,
        "heard": record.get("transcript", ""),
        "heard_lang": record.get("language"),
        "outcome": record.get("outcome"),
        "right": _right(record, sample),
        "path": Path(str(record.get("input", ""))).name,
        "timings_ms": timings,
    }


def _right(record: dict[str, Any], sample: Sample) -> bool | None:
    """Answered with every expected word (None: the sample expects nothing, a recording)."""
    if not sample.expect:
        return None
    answer = str(record.get("answer", "")).lower()
    answered = record.get("outcome") == "answered"
    return answered and all(word.lower() in answer for word in sample.expect)
