"""Per-model speed for `kiosk bench`: Whisper real-time factor per language, LLM tokens per
second with and without the cached system prompt, and each voice's real-time factor.

Real-time factor (RTF) is wall time divided by audio duration: below 1 is faster than speech.
Each figure is the median of a few runs after one warm-up, because on a 2-core box shared with
other work a single run mostly measures the neighbours.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from kiosk.bench.latency import Utterance
from knowledge.answers.llm import LlmAnswerer, user_message
from voice.llm import LlamaGenerator

TTS_SENTENCES = {
    "en": "Take Line 2 toward City Hall and get off at the third stop.",
    "ko": "2호선 시청 방면을 타고 세 번째 역에서 내리세요.",
    "zh": "请乘坐2号线往市厅方向，在第三站下车。",
    "ja": "2号線の市庁方面に乗って、三つ目の駅で降りてください。",
}
"""One typical answer sentence per language (about three seconds of speech)."""

LLM_QUESTION = "Is there a place to charge my phone?"
LLM_PASSAGES = (
    "Gangnam station has lockers near exit 5 and exit 10.",
    "The customer service centre of Gangnam station is on the concourse near exit 2.",
    "Lost and found items are kept at the customer service centre for seven days.",
)
"""A free-form question the structured path cannot answer, with passages the size of a real
retrieval (three facts), so the prompt is as long as in service."""


def _median_ms(fn: Callable[[], Any], repeat: int, warm: bool = False) -> tuple[float, Any]:
    if warm:
        fn()  # warm-up: first calls allocate buffers and fill caches
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def stt_speed(transcriber: Any, utterances: Sequence[Utterance], repeat: int = 2) -> dict:
    """Per language: RTF with language detection (as the kiosk runs) and with it forced.

    One utterance per language: the models are warm from the turns before, and the turns
    already cover every sample."""
    out: dict[str, dict[str, float]] = {}
    by_lang: dict[str, list[Utterance]] = {}
    for utt in utterances:
        by_lang.setdefault(utt.sample.lang, [utt])
    for lang, utts in sorted(by_lang.items()):
        audio_s = sum(u.seconds for u in utts)
        detect_ms = forced_ms = 0.0
        for utt in utts:
            ms, _ = _median_ms(lambda u=utt: transcriber.transcribe(u.audio), repeat)
            detect_ms += ms
            ms, _ = _median_ms(lambda u=utt, lg=lang: transcriber.transcribe(u.audio, lg), repeat)
            forced_ms += ms
        out[lang] = {
            "audio_s": round(audio_s, 2),
            "ms_per_utterance": round(detect_ms / len(utts), 1),
            "rtf": round(detect_ms / 1000 / audio_s, 3),
            "ms_per_utterance_language_forced": round(forced_ms / len(utts), 1),
            "rtf_language_forced": round(forced_ms / 1000 / audio_s, 3),
            "language_detection_ms": round(max(0.0, detect_ms - forced_ms) / len(utts), 1),
        }
    return out


def llm_speed(
    generator: LlamaGenerator, station: str, max_tokens: int = 48, repeat: int = 3
) -> dict:
    """Prompt and generation tokens/s, from the cached system prompt and from a cold context."""
    system = LlmAnswerer(generator, station_name=station).system_prompt()
    user = user_message(LLM_QUESTION, LLM_PASSAGES)
    generator.warm(system)
    cached = _generation(lambda: generator.stream(system, user, max_tokens), generator, repeat)
    uncached = _generation(
        lambda: generator.stream(system, user, max_tokens, cached_system=False), generator, repeat
    )  # the cached system prompt's state stays saved: the kiosk's next turn restores it
    return {"cached_system_prompt": cached, "no_cache": uncached}


def _generation(start: Callable[[], Any], generator: LlamaGenerator, repeat: int = 3) -> dict:
    runs = []
    for i in range(repeat + 1):
        t0 = time.perf_counter()
        first = None
        pieces = 0
        for _piece in start():
            pieces += 1
            if first is None:
                first = time.perf_counter()
        end = time.perf_counter()
        if i == 0:
            continue  # warm-up
        evaluated = generator.stats.prompt_tokens_evaluated
        prompt_s = (first or end) - t0
        gen_s = end - (first or end)
        runs.append(
            {
                "prompt_tokens": generator.stats.prompt_tokens,
                "prompt_tokens_evaluated": evaluated,
                "time_to_first_token_ms": round(prompt_s * 1000, 1),
                "prompt_tokens_per_s": round(evaluated / prompt_s, 1) if prompt_s else 0.0,
                "generated_tokens": pieces,
                "generation_tokens_per_s": round((pieces - 1) / gen_s, 1) if gen_s else 0.0,
            }
        )
    runs.sort(key=lambda r: r["time_to_first_token_ms"])
    return runs[len(runs) // 2]


def tts_speed(voice: Any, languages: Sequence[str], repeat: int = 2) -> dict:
    """Per language: voice name, time to the first sentence's audio, and real-time factor."""
    out: dict[str, dict[str, Any]] = {}
    for lang in languages:
        text = TTS_SENTENCES.get(lang, TTS_SENTENCES["en"])

        def speak(text: str = text, lang: str = lang) -> float:
            return sum(len(c.array) for c in voice.synthesize(text, lang)) / voice.sample_rate

        ms, audio_s = _median_ms(speak, repeat, warm=True)
        engine = type(voice.voice_for(lang)).__name__ if hasattr(voice, "voice_for") else "?"
        out[lang] = {
            "voice": engine.removesuffix("Voice").lower() or engine,
            "audio_s": round(audio_s, 2),
            "ms": round(ms, 1),
            "rtf": round(ms / 1000 / audio_s, 3) if audio_s else 0.0,
        }
    return out
