"""`kiosk serve` as a real child process on a free port: what systemd starts."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.kit.paths import REPO
from tests.kit.settings import ADMIN_TOKEN


@dataclass
class Served:
    proc: subprocess.Popen[str]
    url: str
    log: list[str] = field(default_factory=list)
    """Every stderr line so far (read on a thread, so a flood never blocks the kiosk)."""

    def admin(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        return httpx.Client(base_url=self.url, timeout=60, headers=headers)

    def wait_for(self, check: Callable[[], bool], seconds: float = 180.0) -> bool:
        """Poll `check` until it holds or `seconds` pass (a bound, not a speed assertion)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(0.3)
        return False


@contextmanager
def kiosk_serve(
    config: Path, data_dir: Path, *, preexec_fn: Callable[[], None] | None = None
) -> Iterator[Served]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", "serve", "--config", str(config), "--port", "0",
         "--data-dir", str(data_dir), "--input", "no-such-microphone"],
        cwd=REPO, stderr=subprocess.PIPE, text=True, preexec_fn=preexec_fn,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    log: list[str] = []
    found = threading.Event()

    def read() -> None:
        for line in proc.stderr:  # type: ignore[union-attr]
            log.append(line)
            if re.search(r"serving on (http://\S+)", line):
                found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert found.wait(60), "kiosk serve did not report its address:\n" + "".join(log)
        url = next(m[1] for line in log if (m := re.search(r"serving on (http://\S+)", line)))
        yield Served(proc, url, log)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(60)
        reader.join(10)
        assert code == 0, "".join(log[-40:])


def write_config(path: Path, extra: str = "") -> Path:
    """English only, no LLM: the smallest real kiosk, with the test's admin token."""
    path.write_text(
        '[languages]\nenabled = ["en"]\ndefault = "en"\n[models]\nllm_languages = []\n'
        f'[http]\nadmin_token = "{ADMIN_TOKEN}"\n{extra}',
        encoding="utf-8",
    )
    return path
