"""Model faults: a missing or corrupt model stops start-up with its name; a model failing in
service costs one turn (an apology), never the kiosk; a failing LLM falls back."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.app import Kiosk, build_kiosk
from kiosk.config import Settings
from kiosk.errors import KioskError
from kiosk.model_files import llm_path, piper_voices, whisper_model_dir
from kiosk.pipeline import TurnPipeline
from knowledge.answers.answerer import Answerer, AnswerSettings
from knowledge.answers.llm import LlmAnswerer
from knowledge.store import KnowledgeBase
from tests.kit.faults import (
    FaultySpeaker,
    FaultyTranscriber,
    RaisingGenerator,
    make_daemon,
    recover_after_first_error,
)
from tests.kit.paths import REPO
from tests.kit.settings import make_settings
from voice.audio import MemorySink, WavFileSource
from voice.errors import VoiceError


def _with_models(settings: Settings, **models: object) -> Settings:
    return dataclasses.replace(settings, models=dataclasses.replace(settings.models, **models))


def test_kiosk_models_exits_1_naming_each_missing_file(tmp_path: Path):
    config = tmp_path / "kiosk.toml"
    gguf, onnx = tmp_path / "gone.gguf", tmp_path / "ko_KR-gone.onnx"
    config.write_text(
        f'[models]\nllm = "{gguf}"\n[models.piper_voices]\nko = "{onnx}"\n', encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "models", "--config", str(config)],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    assert str(gguf) in done.stderr and str(onnx) in done.stderr


def _truncated_gguf(settings: Settings, folder: Path) -> tuple[Settings, str]:
    real = llm_path(Settings())
    bad = folder / "truncated.gguf"
    with real.open("rb") as src:
        bad.write_bytes(src.read(1_000_000))  # a copy cut short (a full disk, a killed copy)
    return _with_models(settings, llm=bad), str(bad)


def _garbage_whisper(settings: Settings, folder: Path) -> tuple[Settings, str]:
    real = whisper_model_dir(settings)
    bad = folder / "whisper-garbage"
    bad.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copy(real / name, bad / name)
    (bad / "model.bin").write_bytes(b"not a CTranslate2 model\n" * 4000)
    return _with_models(settings, whisper=bad), str(bad)


def _missing_piper(settings: Settings, folder: Path) -> tuple[Settings, str]:
    missing = folder / "ko_KR-missing-medium.onnx"
    return _with_models(settings, piper_voices={"ko": missing}), str(missing)


def _corrupt_piper(settings: Settings, folder: Path) -> tuple[Settings, str]:
    onnx, config = piper_voices(Settings())["en"]
    bad = folder / "en_US-corrupt-medium.onnx"
    bad.write_bytes(onnx.read_bytes()[:50_000])
    shutil.copy(config, bad.with_name(bad.name + ".json"))
    return _with_models(settings, piper_voices={"en": bad}), str(bad)


BROKEN = {f.__name__[1:]: f for f in (_truncated_gguf, _garbage_whisper, _missing_piper,
                                      _corrupt_piper)}  # fmt: skip


@pytest.mark.parametrize("fault", BROKEN)
def test_a_broken_model_file_stops_start_up_with_a_clear_error_naming_it(
    fault: str, kb_template: Path, tmp_path: Path, kiosk_settings: Settings
):
    settings = make_settings(tmp_path / "var")
    if fault != "truncated_gguf":  # no LLM to load first: each case loads only what it needs
        settings = _with_models(settings, llm_languages=())
    settings, name = BROKEN[fault](settings, tmp_path)
    # Share the joined Whisper cache, so no test joins the 145 MB model again.
    settings = dataclasses.replace(settings, data=kiosk_settings.data)
    kb = KnowledgeBase.open(kb_template, None)
    try:
        with pytest.raises((KioskError, VoiceError)) as caught:
            build_kiosk(settings, kb=kb, languages=("en",)).close()
    finally:
        kb.close()
    message = str(caught.value)
    print(f"{fault}: {message[:160]}")
    assert name in message
    assert caught.value.code in ("model-missing", "model-corrupt", "voice-missing")


# -- faults in service ---------------------------------------------------------------------------


def test_the_llm_failing_mid_answer_falls_back_and_structured_answers_still_work(
    real_kiosk: Kiosk,
):
    generator = RaisingGenerator()
    llm = LlmAnswerer(generator, station_name="강남", languages=("en",))
    answerer = Answerer(real_kiosk.kb, AnswerSettings(station="강남", llm_languages=("en",)), llm)
    # A question no structured answer covers goes to the LLM, which dies mid-sentence.
    fallback = answerer.answer("Where can I buy a ticket?", stt_language="en")
    assert generator.calls == 1, "the question did not reach the LLM"
    assert fallback.outcome.value == "no_information" and fallback.text
    assert "elevator" not in fallback.text.lower()  # the half-made sentence was never spoken
    # Structured questions never needed the LLM and are answered as before.
    structured = answerer.answer("Where is the elevator?", stt_language="en")
    assert structured.outcome.value == "answered" and structured.sources


@pytest.mark.parametrize("stage", ["stt", "tts"])
def test_a_model_failing_mid_turn_costs_one_apology_and_the_next_turn_works(
    stage: str, real_kiosk: Kiosk, kiosk_settings: Settings, apologies, two_questions_wav: Path
):
    transcriber = FaultyTranscriber(failing=stage == "stt")
    speaker = FaultySpeaker(real_kiosk.speaker, failing=stage == "tts")
    runner = TurnPipeline(transcriber, real_kiosk.answerer, speaker, station="강남")
    daemon, bus, events = make_daemon(kiosk_settings, runner, apologies)
    recover_after_first_error(bus, transcriber, speaker)
    sink = MemorySink()
    try:
        asyncio.run(daemon.run(WavFileSource(two_questions_wav, realtime=True), sink))
    finally:
        runner.close()

    errors = events.of("turn_error")
    assert [(e.data["code"], e.data["stage"]) for e in errors] == [(f"{stage}-failed", stage)]
    failed = errors[0].turn_id
    apology = [e for e in events.of("answer_sentence") if e.turn_id == failed]
    assert apology and apology[-1].data["answer"].startswith("Sorry"), events.types()
    done = events.of("turn_done")
    assert [e.data["outcome"] for e in done] == ["answered"], events.types()
    assert done[0].turn_id != failed
