"""Privacy: with default settings a kiosk keeps nothing a passenger said, on disk or in logs;
with `privacy.debug` it keeps audio, transcripts and answers, rotated within a budget."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from kiosk.app import Kiosk, build_kiosk
from kiosk.config import Settings
from kiosk.debug_log import JSONL, DebugRecorder
from kiosk.pipeline import TurnPipeline
from kiosk.turn import TurnResult
from knowledge.store import KnowledgeBase
from tests.kit.settings import make_settings
from tests.reliability.conftest import kill_import
from voice.audio import SAMPLE_RATE, MemorySink, read_wav

MARK = "Zebrafinch"
TYPED = [
    (f"Where is the elevator, {MARK}?", "en"),
    (f"{MARK} 강남역 화장실 어디예요?", "ko"),
    (f"{MARK} 电梯在哪里？", "zh"),
    (f"{MARK} エレベーターはどこですか？", "ja"),
]
AUDIO_SUFFIXES = (".wav", ".pcm", ".raw", ".flac", ".ogg", ".mp3")


async def _turns(runner: TurnPipeline, spoken: np.ndarray, noise: np.ndarray) -> list[str]:
    """Six turns; returns every passenger text and answer text the events carried."""
    texts: list[str] = []

    def publish(kind: str, data: dict) -> None:
        for key in ("transcript", "answer"):
            if isinstance(data.get(key), str) and len(data[key]) >= 8:
                texts.append(data[key])

    for question, lang in TYPED:
        texts.append(question)
        await runner.answer_and_speak(question, MemorySink(), stt_language=lang, publish=publish)
    await runner.run(spoken.tobytes(), MemorySink(), publish=publish)
    await runner.run(noise.tobytes(), MemorySink(), publish=publish)
    return texts


def _files_since(root: Path, since: float, max_depth: int = 8):
    base = len(root.parts)
    for folder, dirs, files in os.walk(root):
        if len(Path(folder).parts) - base >= max_depth:
            dirs.clear()
        for name in files:
            path = Path(folder) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            if stat.st_mtime >= since and stat.st_size < 50_000_000 and path.is_file():
                yield path


def _contains(path: Path, needles: list[str]) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError:
        return []
    return [n for n in needles if n.encode("utf-8") in data]


@pytest.fixture(scope="module")
def speech(two_questions_wav: Path) -> tuple[np.ndarray, np.ndarray]:
    both = read_wav(two_questions_wav)
    noise = read_wav(kill_import.ROOT / "tests/data/speech/speechbrain__noise2.wav")
    return both[: len(both) // 2], noise


def test_default_settings_keep_no_passenger_audio_or_text_on_disk_or_in_logs(
    real_kiosk: Kiosk, kiosk_settings: Settings, speech, caplog: pytest.LogCaptureFixture
):
    assert kiosk_settings.privacy.debug is False and real_kiosk.runner.recorder is None
    caplog.set_level(logging.DEBUG)
    start = time.time() - 1
    texts = asyncio.run(_turns(real_kiosk.runner, *speech))
    assert len(texts) >= 10  # the turns really heard and answered something

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert [t for t in texts if t in logged] == [], "passenger or answer text in the logs"
    data_dir = kiosk_settings.data.dir
    for path in _files_since(data_dir, start):
        assert not path.name.endswith(AUDIO_SUFFIXES), f"audio kept: {path}"
        assert _contains(path, texts) == [], f"passenger text in {path}"
    for path in _files_since(Path(tempfile.gettempdir()), start):
        # Other processes share /tmp: only the distinctive question word and our own audio.
        assert _contains(path, [MARK]) == [], f"passenger text in {path}"
        if data_dir in path.parents:
            assert not path.name.endswith(AUDIO_SUFFIXES), f"audio kept: {path}"


def test_debug_flag_keeps_audio_transcripts_and_answers(
    real_kiosk: Kiosk, kiosk_settings: Settings, speech, tmp_path: Path
):
    recorder = DebugRecorder(tmp_path / "debug")
    runner = TurnPipeline(
        real_kiosk.transcriber,
        real_kiosk.answerer,
        real_kiosk.speaker,
        station="강남",
        recorder=recorder,
    )
    spoken, noise = speech
    try:
        heard = asyncio.run(runner.run(spoken.tobytes(), MemorySink()))
        asyncio.run(runner.run(noise.tobytes(), MemorySink()))
    finally:
        runner.close()
    lines = [json.loads(x) for x in (tmp_path / "debug" / JSONL).read_text().splitlines()]
    assert len(lines) == 2
    assert lines[0]["transcript"] == heard.transcript and "elevator" in heard.transcript.lower()
    assert lines[0]["answer"] == heard.answer and heard.answer
    assert lines[1]["audio"] and lines[1]["outcome"]  # the noise turn is kept too, as heard
    wavs = sorted((tmp_path / "debug" / "audio").glob("*.wav"))
    assert len(wavs) == 2 and abs(len(read_wav(wavs[0])) - len(spoken)) < SAMPLE_RATE // 10


def test_build_kiosk_records_only_when_the_flag_is_on(kb_template: Path, tmp_path: Path):
    kb = KnowledgeBase.open(kb_template, None)
    try:
        for debug in (False, True):
            settings = make_settings(tmp_path / f"var-{debug}", privacy={"debug": debug})
            settings = dataclasses.replace(
                settings, models=dataclasses.replace(settings.models, llm_languages=())
            )
            kiosk = build_kiosk(settings, kb=kb, warm=False)
            assert isinstance(kiosk.runner.recorder, DebugRecorder) is debug
            kiosk.runner.close()
            kiosk.transcriber.close()
            kiosk.speaker.close()
    finally:
        kb.close()


def test_debug_recordings_are_rotated_within_their_budget(tmp_path: Path):
    recorder = DebugRecorder(
        tmp_path / "debug", max_jsonl_bytes=2_000, keep_rotated=2, max_audio_bytes=150_000
    )
    second = np.zeros(SAMPLE_RATE, dtype=np.int16).tobytes()  # 32 kB as WAV
    for i in range(60):
        result = TurnResult(f"question {i} " * 5, "en", "answered", f"answer {i} " * 5)
        recorder.record(second, result)
    folder = tmp_path / "debug"
    logs = sorted(p.name for p in folder.glob(f"{JSONL}*"))
    assert logs == [JSONL, f"{JSONL}.1", f"{JSONL}.2"]
    assert all((folder / n).stat().st_size < 2_000 + 500 for n in logs)
    audio = list((folder / "audio").glob("*.wav"))
    assert 0 < sum(p.stat().st_size for p in audio) <= 150_000
    newest = json.loads((folder / JSONL).read_text().splitlines()[-1])
    assert newest["transcript"].startswith("question 59") and newest["audio"] in {
        p.name for p in audio
    }


def test_a_full_disk_never_costs_the_turn(tmp_path: Path):
    target = tmp_path / "not-a-dir"
    target.write_text("a file where the debug folder should be")
    recorder = DebugRecorder(target)
    recorder.record(b"\0\0" * 100, TurnResult("q", "en", "answered", "a"))  # logged, not raised


def test_health_endpoints_reveal_no_passenger_text_and_no_secrets(
    real_kiosk: Kiosk, kiosk_settings: Settings, apologies, two_questions_wav: Path, tmp_path: Path
):
    """A whole turn through the daemon on the server's own bus, then every maintenance page."""
    from kiosk.events import EventBus
    from tests.kit.faults import FaultyTranscriber, make_daemon
    from tests.kit.settings import ADMIN_TOKEN
    from tests.reliability.http_harness import live_server
    from voice.audio import WavFileSource

    bus = EventBus()
    question = f"{MARK}, where is the elevator?"
    transcriber = FaultyTranscriber(text=question, failing=False)
    runner = TurnPipeline(transcriber, real_kiosk.answerer, real_kiosk.speaker, station="강남")
    daemon, _, events = make_daemon(kiosk_settings, runner, apologies, bus=bus)
    settings = make_settings(tmp_path / "var")
    with live_server(settings, Path(real_kiosk.kb.root), bus=bus) as live:
        try:
            live.loop.run(
                daemon.run(WavFileSource(two_questions_wav, realtime=False), MemorySink()), 120
            )
        finally:
            runner.close()
        answers = [e.data["answer"] for e in events.of("answer_done")]
        assert answers and events.of("turn_done"), events.types()
        client = live.client()
        bodies = {
            path: client.get(path).text
            for path in ("/livez", "/readyz", "/metrics", "/status", "/")
        }
    assert "turns_total" in bodies["/metrics"] or "turn" in bodies["/metrics"]
    assert json.loads(bodies["/status"])["recent_turns"], "the turn is listed (without words)"
    for path, body in bodies.items():
        assert MARK not in body, path
        if path != "/":  # the captions page greets with a generic "ask about elevators"
            assert "elevator" not in body.lower(), path
        assert all(a[:30] not in body for a in answers), path
        assert ADMIN_TOKEN not in body, path
