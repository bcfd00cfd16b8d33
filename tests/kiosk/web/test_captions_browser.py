"""The captions page in a real headless Chromium, driven over chromedriver's WebDriver HTTP API.

The page is loaded, connects its EventSource, and the test publishes a turn on the daemon's
bus: the caption must appear in the live DOM, in the passenger's language.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.events import EventType
from tests.kiosk.web.conftest import Harness

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() or not Path(CHROMEDRIVER).exists(),
    reason="needs Debian chromium and chromedriver (/usr/bin/chromium, chromedriver)",
)

E = EventType


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A minimal W3C WebDriver client: navigate, run a script, poll for a condition."""

    def __init__(self, driver_url: str, session: str) -> None:
        self.http = httpx.Client(base_url=f"{driver_url}/session/{session}", timeout=30)

    def get(self, url: str) -> None:
        self.http.post("/url", json={"url": url}).raise_for_status()

    def js(self, script: str, *args: Any) -> Any:
        response = self.http.post("/execute/sync", json={"script": script, "args": list(args)})
        response.raise_for_status()
        return response.json()["value"]

    def wait_for(self, script: str, *, timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.js(script)
            if value:
                return value
            if time.monotonic() > deadline:
                page = self.js("return document.body.innerText")
                raise AssertionError(f"timed out waiting for: {script}\npage: {page}")
            time.sleep(0.05)


@pytest.fixture(scope="module")
def browser_driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    port = _free_port()
    log = tmp_path_factory.mktemp("chromedriver") / "chromedriver.log"
    proc = subprocess.Popen(
        [CHROMEDRIVER, f"--port={port}", f"--log-path={log}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                if httpx.get(f"{url}/status", timeout=1).json()["value"]["ready"]:
                    break
            except (httpx.HTTPError, KeyError, ValueError):
                pass
            assert time.monotonic() < deadline, "chromedriver did not start"
            time.sleep(0.1)
        profile = tmp_path_factory.mktemp("chromium-profile")
        options = {
            "binary": str(CHROMIUM),
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--window-size=1080,1920",
            ],
        }
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}}
        response = httpx.post(f"{url}/session", json=caps, timeout=60)
        assert response.status_code == 200, response.text
        session = response.json()["value"]["sessionId"]
        yield url, session
        httpx.delete(f"{url}/session/{session}", timeout=30)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_caption_appears_live_in_headless_chromium(
    harness: Harness, browser_driver: tuple[str, str]
) -> None:
    browser = Browser(*browser_driver)
    browser.get(harness.url + "/")
    browser.wait_for("return document.body.dataset.connected === '1'")
    greeting = browser.wait_for("return document.getElementById('greeting-title').textContent")
    assert greeting in {"안녕하세요", "Hello", "您好", "こんにちは"}

    said, answer = "강남역 3번 출구 엘리베이터 있어요?", "네, 3번 출구 옆에 엘리베이터가 있습니다."
    harness.emit(E.SPEECH_STARTED, turn_id="t1")
    browser.wait_for("return document.body.dataset.phase === 'listening'")
    harness.emit(E.SPEECH_ENDED, turn_id="t1")
    harness.emit(E.TRANSCRIPT, turn_id="t1", transcript=said, language="ko")
    assert browser.wait_for("return document.getElementById('heard').textContent") == said
    harness.emit(E.ANSWER_SENTENCE, turn_id="t1", answer=answer, language="ko", index=0)
    harness.emit(E.AUDIO_STARTED, turn_id="t1")
    shown = browser.wait_for("return document.getElementById('answer').innerText")
    assert shown.strip() == answer
    assert browser.js("return document.documentElement.lang") == "ko"
    assert browser.js("return document.getElementById('idle').hidden") is True
    size = browser.js(
        "return parseFloat(getComputedStyle(document.getElementById('answer')).fontSize)"
    )
    assert size >= 48  # large type on a 1920-pixel-tall kiosk screen

    # The next passenger speaks English: the page follows the language.
    harness.emit(E.TURN_DONE, turn_id="t1", outcome="answered", language="ko")
    harness.emit(E.TRANSCRIPT, turn_id="t2", transcript="Where is the toilet?", language="en")
    browser.wait_for(
        "return document.getElementById('heard').textContent === 'Where is the toilet?'"
    )
    assert browser.js("return document.documentElement.lang") == "en"
    label = browser.js("return document.getElementById('heard-label').textContent")
    assert label == "You said"


def test_a_touched_station_button_reaches_the_daemon(
    harness: Harness, browser_driver: tuple[str, str]
) -> None:
    """ "Did you mean Sema or Seoul Station?" shows both as buttons; a touch posts the station
    to the kiosk, which puts it on the bus for the daemon (`KioskDaemon._take_touches`)."""
    chosen: list[dict] = []
    remove = harness.bus.add_listener(
        lambda e: chosen.append(dict(e.data)) if e.type is E.OFFER_CHOSEN else None
    )
    try:
        browser = Browser(*browser_driver)
        browser.get(harness.url + "/")
        browser.wait_for("return document.body.dataset.connected === '1'")
        harness.emit(
            E.TRANSCRIPT, turn_id="t9", transcript="How can I get to Seema?", language="en"
        )
        choices = [
            {"station": "세마", "name": "Sema"},
            {"station": "서울역", "name": "Seoul Station"},
        ]
        harness.emit(E.ANSWER_DONE, turn_id="t9", answer="Did you mean Sema or Seoul Station?",
                     outcome="clarify", language="en", choices=choices)  # fmt: skip
        names = browser.wait_for(
            "const b = document.querySelectorAll('#choices button');"
            "return b.length === 2 && Array.from(b, (x) => x.textContent)"
        )
        assert names == ["Sema", "Seoul Station"]
        size = browser.js(
            "return document.querySelector('#choices button').getBoundingClientRect().height"
        )
        assert size >= 100  # a finger-sized target on the kiosk screen
        browser.js("document.querySelector('#choices button').click()")
        deadline = time.monotonic() + 10
        while not chosen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert chosen == [{"station": "세마"}]
        assert browser.js("return document.querySelectorAll('#choices button').length") == 0
    finally:
        remove()
    # A station the screen does not show is refused (a stale page, or a forged touch).
    with harness.client() as http:
        stale = http.post("/choose", json={"station": "잠실"})
    assert stale.status_code == 409 and stale.json()["detail"]["code"] == "choice-not-offered"
