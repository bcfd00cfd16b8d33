"""Every voice heard by a listening machine: the kiosk's own answers, spoken, read back by Whisper.

For each language, the real answerer (structured answers, no LLM) answers the evaluation set's
questions about lines, routes, elevators and transfers at real stations; each voice that can
speak the language says the answer's opening (up to `MAX_CHARS`), and the kiosk's own Whisper
transcribes it with the language forced and no station-name prompt (a prompt would flatter
every voice alike). The character error rate compares the two after `comparable`: NFKC,
punctuation and spaces dropped, numbers spelled out by the kiosk's speech normaliser on both
sides (a voice says 2号線 as にごうせん, Whisper may write either), Chinese in Simplified, and
Japanese in hiragana (pykakasi) so kanji against kana is no error. A voice change is then a
measured change: `kiosk bench --voices`.
"""

from __future__ import annotations

import statistics
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.app import build_answerer, build_transcriber, open_knowledge
from kiosk.config import Settings
from kiosk.model_files import espeak_binary, openjtalk_files, piper_voices
from kiosk.spoken_names import japanese_readings
from knowledge.answers.evaluation import load_set
from voice.audio import SAMPLE_RATE
from voice.speechnorm import normalize
from voice.tts import EspeakVoice, MultiVoice, Synthesizer, kanji_to_kana

INTENTS = ("lines", "route", "elevator", "transfer", "misheard")
"""The evaluation set's intents whose answers name stations and lines (`misheard`: questions
with a station name garbled as Whisper garbles it, answered about the right station)."""
MAX_CHARS = {"en": 160, "ko": 70, "zh": 50, "ja": 70}
"""The opening of an answer a voice says: whole sentences up to about ten seconds of speech
(Whisper base reads a long route's later stations worse, whatever the voice)."""


@dataclass(frozen=True, slots=True)
class VoiceUnderTest:
    lang: str
    label: str
    make: Callable[[], Synthesizer]


def voices_to_hear(settings: Settings) -> list[VoiceUnderTest]:
    """Every voice the kiosk can speak each language with on this machine."""
    binary = espeak_binary(settings) or settings.models.espeak
    out: list[VoiceUnderTest] = []
    for lang, (onnx, config) in sorted(piper_voices(settings).items()):

        def piper(onnx: Any = onnx, config: Any = config) -> Synthesizer:
            from voice.tts import PiperVoice

            return PiperVoice(onnx, config)

        out.append(VoiceUnderTest(lang, f"Piper {onnx.stem}", piper))
    voice, dictionary = openjtalk_files(settings)
    if voice is not None:

        def openjtalk() -> Synthesizer:
            from voice.openjtalk import OpenJTalkVoice

            return OpenJTalkVoice(voice, dictionary)

        out.append(VoiceUnderTest("ja", "Open JTalk Mei", openjtalk))
    for lang in ("en", "ko", "zh", "ja"):
        out.append(
            VoiceUnderTest(lang, "espeak-ng", lambda lang=lang: EspeakVoice(lang, binary=binary))
        )
    return [v for v in out if v.lang in settings.languages.enabled]


def answer_texts(
    settings: Settings, langs: Sequence[str], per_language: int = 20
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """{lang: [answer opening]} from the real answerer over the evaluation set's questions,
    taken in turn from each intent, and the Japanese readings the kiosk gives its voices."""
    kb = open_knowledge(settings)
    try:
        answerer = build_answerer(settings, kb, with_llm=False)
        out: dict[str, list[str]] = {}
        for lang in langs:
            by_intent: dict[str, list[str]] = {intent: [] for intent in INTENTS}
            for item in load_set():
                if item.lang != lang or item.intent not in by_intent or item.context:
                    continue
                answer = answerer.answer(item.question, station=item.station, lang=lang)
                if answer.outcome == "answered" and answer.sentences:
                    by_intent[item.intent].append(_opening(answer.sentences, MAX_CHARS[lang]))
            out[lang] = _in_turn(by_intent, per_language)
        return out, japanese_readings(kb.complexes())
    finally:
        kb.close()


def _in_turn(by_intent: dict[str, list[str]], count: int) -> list[str]:
    """One answer from each intent in turn, each answer once (two questions with one answer
    would count its errors twice)."""
    texts: list[str] = []
    queues = [list(dict.fromkeys(texts_)) for texts_ in by_intent.values()]
    while len(texts) < count and any(queues):
        for queue in queues:
            while queue and queue[0] in texts:
                queue.pop(0)
            if queue and len(texts) < count:
                texts.append(queue.pop(0))
    return texts


def _opening(sentences: Sequence[str], limit: int) -> str:
    kept = [sentences[0]]
    for sentence in sentences[1:]:
        if len(" ".join([*kept, sentence])) > limit:
            break
        kept.append(sentence)
    return " ".join(kept)


def comparable(text: str, lang: str) -> str:
    """The form both sides are compared in (see the module docstring)."""
    text = normalize(unicodedata.normalize("NFKC", text), lang)
    if lang == "zh":
        text = _to_simplified(text)
    if lang == "ja":
        text = _hiragana(text)
    kept = (ch for ch in text.lower() if unicodedata.category(ch)[0] not in "PSZC")
    return "".join(kept)


def _to_simplified(text: str) -> str:
    import opencc

    return opencc.OpenCC("t2s").convert(text)


def _hiragana(text: str) -> str:
    text = kanji_to_kana(text)
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)


def character_error_rate(reference: str, heard: str) -> tuple[int, int]:
    """(edits, reference length) so rates can be summed over sentences."""
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(reference, heard), len(reference)


def hear_voices(settings: Settings, per_language: int = 20) -> dict[str, Any]:
    """CER, real-time factor and time to first sentence per voice; the JSON `voices` section."""
    voices = voices_to_hear(settings)
    langs = sorted({v.lang for v in voices})
    texts, readings = answer_texts(settings, langs, per_language)
    transcriber = build_transcriber(settings)
    try:
        results = [_hear(voice, texts[voice.lang], readings, transcriber) for voice in voices]
    finally:
        transcriber.close()
    return {"sentences": texts, "voices": results}


def _hear(
    voice: VoiceUnderTest, texts: Sequence[str], readings: dict, transcriber: Any
) -> dict[str, Any]:
    speaker = MultiVoice(
        {voice.lang: voice.make()}, sample_rate=SAMPLE_RATE, readings={"ja": readings}
    )
    edits = chars = 0
    per_sentence: list[float] = []
    synth_s = audio_s = 0.0
    first_ms: list[float] = []
    heard: list[dict[str, Any]] = []
    for text in texts:
        t0 = time.perf_counter()
        chunks = []
        for chunk in speaker.synthesize(text, voice.lang):
            if not chunks:
                first_ms.append((time.perf_counter() - t0) * 1000)
            chunks.append(chunk.array)
        synth_s += time.perf_counter() - t0
        audio = _joined(chunks)
        audio_s += len(audio) / SAMPLE_RATE
        transcript = transcriber.transcribe(audio, voice.lang).text
        said = speaker.spoken_text(text, voice.lang)
        e, n = character_error_rate(
            comparable(said, voice.lang), comparable(transcript, voice.lang)
        )
        edits, chars = edits + e, chars + n
        per_sentence.append(e / max(1, n))
        heard.append({"said": said, "heard": transcript, "cer": round(e / max(1, n), 3)})
    return {
        "lang": voice.lang,
        "voice": voice.label,
        "sentences": len(texts),
        "cer": round(edits / max(1, chars), 3),
        "cer_median": round(statistics.median(per_sentence), 3) if per_sentence else 0.0,
        "rtf": round(synth_s / audio_s, 3) if audio_s else 0.0,
        "first_sentence_ms_p50": round(statistics.median(first_ms), 1) if first_ms else 0.0,
        "audio_s": round(audio_s, 1),
        "heard": heard,
    }


def _joined(chunks: list[Any]) -> Any:
    import numpy as np

    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)


def voice_lines(section: dict[str, Any]) -> Iterator[str]:
    """The table `kiosk bench` prints."""
    yield "voices heard back by Whisper (language forced, no name prompt; CER over all characters)"
    yield "  lang  voice                      sentences  CER    median  RTF    first sentence"
    for v in section["voices"]:
        yield (
            f"  {v['lang']:<5} {v['voice']:<26} {v['sentences']:>9}  {v['cer']:.3f}  "
            f"{v['cer_median']:.3f}  {v['rtf']:.3f}  {v['first_sentence_ms_p50']:.0f} ms"
        )
