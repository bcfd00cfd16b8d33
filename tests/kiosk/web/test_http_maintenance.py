"""Maintenance endpoints over real HTTP: livez, readyz, metrics, status, OpenAPI, SSE."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from kiosk.events import EventBus, EventType
from kiosk.health import AUDIO_INPUT, ComponentStatus, Health
from tests.kiosk.web import promtext
from tests.kiosk.web.conftest import Harness

E = EventType
SAID = "2호선 막차 언제예요"
ANSWER = "막차는 자정 무렵입니다."


def play_turn(h: Harness, turn_id: str = "t1") -> None:
    h.emit(E.SPEECH_STARTED, turn_id=turn_id)
    h.emit(E.SPEECH_ENDED, turn_id=turn_id, speech_seconds=1.2)
    h.emit(E.TRANSCRIPT, turn_id=turn_id, transcript=SAID, language="ko")
    h.emit(E.ANSWER_SENTENCE, turn_id=turn_id, answer=ANSWER, language="ko", index=0)
    h.emit(E.AUDIO_STARTED, turn_id=turn_id)
    h.emit(E.ANSWER_DONE, turn_id=turn_id, answer=ANSWER, language="ko", outcome="answered")
    h.emit(
        E.TURN_DONE,
        turn_id=turn_id,
        outcome="answered",
        language="ko",
        timings_ms={"stt": 300, "answer": 40, "speech_end_to_first_audio": 800},
    )


def test_livez_is_always_ok(harness: Harness) -> None:
    with harness.client() as client:
        assert client.get("/livez").json() == {"status": "alive"}


def test_readyz_names_the_missing_component(harness: Harness) -> None:
    harness.all_up()
    harness.health.set_failed(AUDIO_INPUT, "device-missing", "no input device")
    with harness.client() as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert list(body["failing"]) == [AUDIO_INPUT]
        assert body["failing"][AUDIO_INPUT]["code"] == "device-missing"
        harness.health.set_ok(AUDIO_INPUT)
        assert client.get("/readyz").status_code == 200


def test_readyz_before_startup_lists_every_registered_component(harness: Harness) -> None:
    with harness.client() as client:
        body = client.get("/readyz").json()
    assert set(body["failing"]) == {"models", "knowledge_base", "audio_input", "audio_output"}
    assert all(c["code"] == "starting" for c in body["failing"].values())


def test_readyz_with_the_real_sound_system(harness: Harness) -> None:
    """This probe asks PortAudio; on a machine without a sound card readiness must fail."""
    sd = pytest.importorskip("sounddevice")

    def probe() -> ComponentStatus:
        try:
            sd.query_devices(kind="input")
        except Exception as err:  # PortAudioError: no default input device
            return ComponentStatus(False, "device-missing", type(err).__name__)
        return ComponentStatus(True)

    harness.all_up()
    harness.health.register_probe(AUDIO_INPUT, probe)
    has_input = probe().ok
    with harness.client() as client:
        response = client.get("/readyz")
    assert response.status_code == (200 if has_input else 503)
    if not has_input:
        assert response.json()["failing"][AUDIO_INPUT]["code"] == "device-missing"


def test_device_events_drive_readiness(harness: Harness) -> None:
    harness.all_up()
    harness.emit(E.DEVICE_LOST, component="audio_output", code="device-missing")
    with harness.client() as client:
        assert client.get("/readyz").json()["failing"]["audio_output"]["code"] == "device-missing"
        assert client.get("/status").json()["state"]["phase"] == "degraded"
        harness.emit(E.DEVICE_OK, component="audio_output")
        assert client.get("/readyz").status_code == 200
        assert client.get("/status").json()["state"]["phase"] == "idle"


def test_metrics_parse_and_count_a_turn(harness: Harness) -> None:
    play_turn(harness)
    with harness.client() as client:
        response = client.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    fam = promtext.parse(response.text)
    assert promtext.value(fam, "kiosk_turns_total", outcome="answered", language="ko") == 1
    stage = "speech_end_to_first_audio"
    assert promtext.value(fam, "kiosk_stage_latency_seconds_count", stage=stage) == 1
    assert SAID not in response.text and ANSWER not in response.text


def test_status_reports_turns_without_passenger_text(harness: Harness) -> None:
    play_turn(harness, "t1")
    harness.emit(E.KB_RELOADED, version=4)
    with harness.client() as client:
        response = client.get("/status")
    body = response.json()
    assert body["state"]["phase"] == "idle"
    assert body["versions"]["kb"] == 4 and body["versions"]["stt"] == "test"
    assert body["recent_turns"][0]["outcome"] == "answered"
    assert body["recent_turns"][0]["timings_ms"]["stt"] == 300
    raw = response.content.decode()
    for word in (SAID, ANSWER, "막차", json.dumps(SAID)[1:-1]):
        assert word not in raw


def test_openapi_is_published_and_docs_need_no_cdn(harness: Harness) -> None:
    with harness.client() as client:
        schema = client.get("/openapi.json").json()
        assert client.get("/docs").status_code == 404
    paths = set(schema["paths"])
    for path in ("/livez", "/readyz", "/metrics", "/status", "/admin/notices", "/admin/kb/import"):
        assert path in paths


def test_captions_page_is_self_contained(harness: Harness) -> None:
    with harness.client() as client:
        response = client.get("/")
    html = response.text
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert "http://" not in html and "https://" not in html and "<link" not in html
    assert "/*KIOSK_CONFIG*/" not in html  # the config was injected
    for greeting in ("안녕하세요", "Hello", "您好", "こんにちは"):
        assert greeting in html


class Captions:
    """Reads caption payloads from one SSE response (one line iterator for its lifetime)."""

    def __init__(self, response: httpx.Response) -> None:
        self.lines = response.iter_lines()

    def until(self, text: str, timeout: float = 5.0) -> list[dict]:
        return read_sse(self.lines, text, timeout)


def read_sse(lines: Iterator[str], until: str, timeout: float = 5.0) -> list[dict]:
    """Caption payloads until one contains `until`."""
    got: list[dict] = []
    deadline = time.monotonic() + timeout
    for line in lines:
        if line.startswith("data: "):
            got.append(json.loads(line[6:]))
            if until in json.dumps(got[-1], ensure_ascii=False):
                return got
        assert time.monotonic() < deadline, "caption did not arrive"
    raise AssertionError("stream ended")


def test_caption_stream_delivers_a_live_turn(harness: Harness) -> None:
    with (
        harness.client() as client,
        client.stream("GET", "/events/captions") as response,
    ):
        assert response.headers["content-type"].startswith("text/event-stream")
        captions = Captions(response)
        first = captions.until('"seq"')
        assert first[0]["phase"] == "idle"
        threading.Timer(0.2, play_turn, args=(harness,)).start()
        got = captions.until(ANSWER)
    assert got[-1]["heard"] == SAID and got[-1]["language"] == "ko"


def test_caption_stream_starts_with_the_current_turn(harness: Harness) -> None:
    harness.emit(E.TRANSCRIPT, turn_id="t9", transcript=SAID, language="ko")
    with harness.client() as client, client.stream("GET", "/events/captions") as response:
        got = Captions(response).until(SAID)
    assert got[0]["phase"] == "thinking"


def test_idle_caption_clients_cannot_lock_out_the_kiosk_screen(harness: Harness) -> None:
    """16 idle connections once held every slot and the kiosk's own screen got no captions
    (#17.7): the newest connection wins, the oldest is ended (a real screen reconnects)."""
    import contextlib

    with contextlib.ExitStack() as stack:
        client = stack.enter_context(harness.client())
        hogs = [stack.enter_context(client.stream("GET", "/events/captions")) for _ in range(16)]
        readers = [Captions(hog) for hog in hogs]
        for reader in readers:
            reader.until('"seq"')
        with harness.client() as screen, screen.stream("GET", "/events/captions") as response:
            assert response.status_code == 200
            assert Captions(response).until('"seq"')[0]["phase"] == "idle"
            # The oldest idle connection was ended to make room.
            assert [line for line in readers[0].lines if line.startswith("data: ")] == []
        with harness.client() as http:
            assert http.get("/status").json()["caption_clients"] <= 16


def test_server_stop_ends_open_caption_streams(make_harness) -> None:
    h = make_harness()
    with h.client() as client, client.stream("GET", "/events/captions") as response:
        captions = Captions(response)
        captions.until('"seq"')
        started = time.monotonic()
        h.loop.run(h.server.stop(), timeout=10)
        assert time.monotonic() - started < 3
        with pytest.raises(httpx.ConnectError):
            httpx.get(h.url + "/livez", timeout=2)


def test_a_busy_port_is_an_error_not_an_exit(make_harness) -> None:
    first = make_harness()

    async def second() -> None:
        from kiosk.web.server import KioskServer

        server = KioskServer(first.settings, EventBus(), Health(), port=first.server.port)
        await server.start()

    with pytest.raises(OSError, match="cannot listen"):
        first.loop.run(second())
    with first.client() as client:  # the loop and the first server carry on
        assert client.get("/livez").status_code == 200


def test_a_closed_browser_frees_its_caption_stream(harness: Harness) -> None:
    with harness.client() as client:
        with client.stream("GET", "/events/captions") as response:
            captions = Captions(response)  # keep a reference: dropping it closes the stream
            captions.until('"seq"')
            assert client.get("/status").json()["caption_clients"] == 1
        deadline = time.monotonic() + 5
        while client.get("/status").json()["caption_clients"]:
            assert time.monotonic() < deadline, "stream not released after disconnect"
            time.sleep(0.05)
        assert harness.bus.subscriber_count == 0
