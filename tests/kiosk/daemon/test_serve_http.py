"""`kiosk serve` over real HTTP: readiness, the operator token, notices in spoken answers."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from kiosk.config import AudioSettings
from kiosk.daemon import DaemonConfig
from kiosk.service import KioskService, ServeOptions
from tests.kiosk.web import promtext
from tests.kit.events import Recorder
from tests.kit.paths import REPO
from tests.kit.settings import ADMIN_TOKEN as TOKEN
from voice.audio import MemorySink, WavFileSource


def _service(settings, kiosk, **options) -> KioskService:
    options.setdefault("port", 0)
    options.setdefault("device_retry_s", 0.2)
    # A generous budget: CI shares two cores between Whisper, Piper and other jobs.
    config = DaemonConfig(turn_budget_s=25.0, realtime_playback=False)
    return KioskService(settings, ServeOptions(**options), kiosk=kiosk, daemon_config=config)


async def _started(service: KioskService) -> tuple[asyncio.Event, asyncio.Task]:
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    await asyncio.wait_for(service.loaded.wait(), 30)
    return stop, task


def test_full_turn_from_a_wav_input_with_captions_status_and_metrics(
    settings, kiosk, question_wavs, tmp_path
):
    reply = tmp_path / "reply.wav"
    service = _service(settings, kiosk, input=str(question_wavs["elevator"]), output=str(reply))
    events = Recorder(service.bus)

    async def scenario() -> tuple[list[str], dict, str]:
        stop, task = await _started(service)
        captions: list[str] = []

        async def read_captions() -> None:
            client = httpx.AsyncClient(base_url=service.server.url, timeout=30)
            async with client, client.stream("GET", "/events/captions") as response:
                async for line in response.aiter_lines():
                    if line.startswith("data:"):
                        captions.append(line)

        reader = asyncio.create_task(read_captions())
        await asyncio.wait_for(service.audio_finished.wait(), 60)
        async with httpx.AsyncClient(base_url=service.server.url) as client:
            status = (await client.get("/status")).json()
            metrics = (await client.get("/metrics")).text
        reader.cancel()
        stop.set()
        await task
        return captions, status, metrics

    captions, status, metrics = asyncio.run(scenario())
    done = events.of("turn_done")
    assert [e.data["outcome"] for e in done] == ["answered"], events.types()
    assert any("elevator" in c.lower() for c in captions), captions[-3:]
    last = status["recent_turns"][-1]
    assert last["outcome"] == "answered" and "speech_end_to_first_audio" in last["timings_ms"]
    heard = events.of("transcript")[0].data["transcript"]
    assert heard and heard not in str(status)  # /status never holds passenger words
    turns = promtext.parse(metrics)  # label order in the text is prometheus_client's, not ours
    assert promtext.value(turns, "kiosk_turns_total", outcome="answered", language="en") == 1
    assert reply.stat().st_size > 32_000  # a second of reply audio, written on shutdown


def notice(notice_id: str, seconds: float) -> dict:
    now = datetime.now(UTC)
    return {
        "id": notice_id,
        "cause": "MAINTENANCE",
        "effect": "ACCESSIBILITY_ISSUE",
        "active_period": [
            {
                "start": (now - timedelta(minutes=1)).isoformat(timespec="seconds"),
                "end": (now + timedelta(seconds=seconds)).isoformat(timespec="seconds"),
            }
        ],
        "informed_entity": [{"station": "강남", "facility": "elevator"}],
        "header_text": {
            "ko": "엘리베이터 점검 중",
            "en": "The exit one elevator is closed for maintenance today.",
        },
    }


def test_admin_needs_the_token_and_a_notice_is_spoken_then_expires(settings, kiosk, question_wavs):
    # No audio device for the service itself: the turns below run on its daemon directly.
    service = _service(settings, kiosk, input="no-such-microphone")
    events = Recorder(service.bus)

    async def ask() -> tuple[str, MemorySink]:
        sink = MemorySink()
        source = WavFileSource(question_wavs["working"], realtime=False)
        before = len(events.of("answer_done"))
        await service.daemon.run(source, sink)  # type: ignore[union-attr]
        return events.of("answer_done")[before].data["answer"], sink

    async def scenario() -> dict:
        stop, task = await _started(service)
        out: dict = {}
        async with httpx.AsyncClient(base_url=service.server.url) as client:
            body = notice("LIFT1", seconds=15)
            out["none"] = (await client.post("/admin/notices", json=body)).status_code
            out["wrong"] = (
                await client.post(
                    "/admin/notices", json=body, headers={"Authorization": "Bearer nope"}
                )
            ).status_code
            created = await client.post(
                "/admin/notices",
                json=body,
                headers={"Authorization": f"Bearer {TOKEN}", "X-Operator": "Kim"},
            )
            out["created"] = created.status_code
            expires = datetime.fromisoformat(body["active_period"][0]["end"])
            out["with_notice"], sink = await ask()
            out["reply_heard"] = kiosk.transcriber.transcribe(sink.audio).text
            await asyncio.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds() + 1))
            out["after_expiry"], _ = await ask()
        stop.set()
        await task
        return out

    out = asyncio.run(scenario())
    assert out["none"] == 401 and out["wrong"] in (401, 403)
    assert out["created"] == 201
    assert "closed for maintenance" in out["with_notice"]
    assert "maintenance" in out["reply_heard"].lower()  # spoken, as Whisper hears the reply
    assert "closed for maintenance" not in out["after_expiry"]


def test_missing_audio_device_fails_readiness_but_not_liveness_and_recovers(settings, kiosk):
    from tests.voice.test_devices import FakeSoundDevice

    missing = dataclasses.replace(
        settings, audio=AudioSettings(input_device="USB Audio Mic", output_device="HDMI")
    )
    service = _service(missing, kiosk)
    sd = FakeSoundDevice()
    plugged = {"now": False}

    def query_devices():
        return sd.query_devices() if plugged["now"] else []

    fake = type("SD", (), {})()
    fake.default = sd.default
    fake.query_devices = query_devices
    fake.InputStream = sd.InputStream
    fake.OutputStream = lambda **kw: sd.InputStream(**kw)
    service.sounddevice = fake

    async def scenario() -> tuple:
        stop, task = await _started(service)
        async with httpx.AsyncClient(base_url=service.server.url) as client:
            await asyncio.sleep(0.5)
            live = await client.get("/livez")
            ready = await client.get("/readyz")
            plugged["now"] = True
            deadline = time.monotonic() + 5
            while (again := await client.get("/readyz")).status_code != 200:
                assert time.monotonic() < deadline, again.json()
                await asyncio.sleep(0.1)
        stop.set()
        await task
        return live, ready, again

    live, ready, again = asyncio.run(scenario())
    assert live.status_code == 200
    assert ready.status_code == 503
    failing = ready.json()["failing"]
    assert failing["audio_input"]["code"] == "audio-device-missing"
    assert "USB Audio Mic" in failing["audio_input"]["detail"]
    assert "models" not in failing and "knowledge_base" not in failing
    assert again.json()["ready"] is True


@pytest.mark.parametrize("key", ["llm", "whisper"])
def test_serve_with_a_missing_model_names_it_on_readyz(tmp_path, key):
    missing = tmp_path / f"no-such-{key}"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[models]\n{key} = "{missing}"\n[http]\nport = 8080\n', encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "serve", "--config", str(config), "--port", "0",
         "--data-dir", str(tmp_path / "var")],
        cwd=REPO, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()  # type: ignore[union-attr]
            if match := re.search(r"serving on (http://\S+)", line):
                url = match[1]
        assert url, "kiosk serve did not report its address"
        while time.monotonic() < deadline:
            ready = httpx.get(f"{url}/readyz")
            if ready.json()["components"]["models"].get("code") != "starting":
                break
            time.sleep(0.2)
        assert httpx.get(f"{url}/livez").status_code == 200
        assert ready.status_code == 503
        models = ready.json()["failing"]["models"]
        assert models["code"] == "model-missing" and str(missing) in models["detail"]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
