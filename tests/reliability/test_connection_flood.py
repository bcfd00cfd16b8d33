"""Half-open connections against `kiosk serve` (#17.8): 1,100 of them, with the default file
limit, took HTTP down and wrote ~97 MB of log. Here the child runs with only 256 file
descriptors and gets 600 connections that send part of a request head and stall: the kiosk's
own endpoints still answer, stalled connections are closed, and the log stays small."""

from __future__ import annotations

import resource
import socket
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.kit.settings import ADMIN_TOKEN
from tests.reliability.serve_process import kiosk_serve

HALF_OPEN = 600
FD_LIMIT = 256


def _fd_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))


def _closed_by_server(sock: socket.socket) -> bool:
    """EOF, or a reset (closed with our unread head in its buffer); a timeout is not closed."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_half_open_connections_cannot_take_http_down_or_flood_the_log(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(  # a missing LLM: the kiosk starts degraded at once, HTTP is what counts
        f'[models]\nllm = "{tmp_path / "no-llm.gguf"}"\n'
        f'[http]\nadmin_token = "{ADMIN_TOKEN}"\nmax_connections = 64\nhead_timeout_s = 2.0\n',
        encoding="utf-8",
    )
    with kiosk_serve(config, tmp_path / "var", preexec_fn=_fd_limit) as served:
        address = urlsplit(served.url)
        stalled = []
        for _ in range(HALF_OPEN):
            sock = socket.create_connection((address.hostname, address.port), timeout=30)
            sock.sendall(b"GET /status HTTP/1.1\r\nHost: kiosk\r\n")  # and never the blank line
            stalled.append(sock)
        try:
            with httpx.Client(base_url=served.url, timeout=30) as http:
                live = http.get("/livez")
                ready = http.get("/readyz")
                page = http.get("/")
            closed = [_closed_by_server(sock) for sock in (stalled[0], stalled[-1])]
        finally:
            for sock in stalled:
                sock.close()
        assert live.status_code == 200 and page.status_code == 200
        assert ready.json()["failing"]["models"]["code"] == "model-missing"
        assert closed == [True, True]  # shed at the cap (the first) or the deadline (the last)
    log = "".join(served.log)
    cap_lines = [line for line in served.log if "connection cap (64) reached" in line]
    assert 0 < len(cap_lines) <= 21 and "more like this are dropped" in cap_lines[-1]
    assert len(log) < 50_000, f"{len(log)} bytes of log"
