"""sd_notify over a real AF_UNIX datagram socket standing in for systemd."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.watchdog import SystemdNotifier, run_watchdog


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[str, socket.socket]]:
    path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(2)
    yield path, sock
    sock.close()


def received(sock: socket.socket) -> list[str]:
    out = []
    sock.setblocking(False)
    try:
        while True:
            out.append(sock.recv(4096).decode())
    except BlockingIOError:
        pass
    finally:
        sock.settimeout(2)
    return out


def test_ready_status_stopping(notify_socket: tuple[str, socket.socket]) -> None:
    path, sock = notify_socket
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path})
    assert notifier.enabled
    assert notifier.ready("models loaded")
    assert sock.recv(4096).decode() == "READY=1\nSTATUS=models loaded"
    assert notifier.stopping()
    assert sock.recv(4096).decode() == "STOPPING=1"


def test_abstract_namespace_socket() -> None:
    name = f"kiosk-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(b"\0" + name.encode())
        sock.settimeout(2)
        assert SystemdNotifier({"NOTIFY_SOCKET": "@" + name}).watchdog()
        assert sock.recv(4096) == b"WATCHDOG=1"


def test_without_systemd_everything_is_a_quiet_no_op(tmp_path: Path) -> None:
    assert not SystemdNotifier({}).enabled
    assert SystemdNotifier({}).ready() is False
    gone = SystemdNotifier({"NOTIFY_SOCKET": str(tmp_path / "missing.sock")})
    assert gone.enabled and gone.ready() is False  # logged, never raised
    assert SystemdNotifier({"NOTIFY_SOCKET": "relative/path"}).enabled is False


def test_watchdog_interval_from_systemd_environment() -> None:
    me = str(os.getpid())
    assert SystemdNotifier({"WATCHDOG_USEC": "30000000"}).watchdog_seconds == 30.0
    assert SystemdNotifier({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": me}).watchdog_seconds
    other = {"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": str(os.getpid() + 1)}
    assert SystemdNotifier(other).watchdog_seconds is None
    assert SystemdNotifier({"WATCHDOG_USEC": "0"}).watchdog_seconds is None


def test_watchdog_pings_from_the_loop_and_stops_when_unhealthy(
    notify_socket: tuple[str, socket.socket],
) -> None:
    path, sock = notify_socket
    # WATCHDOG_USEC of 0.1 s: the task pings every 0.05 s.
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "100000"})
    healthy = [True]

    async def scenario() -> tuple[int, int]:
        task = asyncio.create_task(run_watchdog(notifier, healthy=lambda: healthy[0]))
        await asyncio.sleep(0.3)
        pings_while_healthy = len(received(sock))
        healthy[0] = False
        await asyncio.sleep(0.06)
        received(sock)  # one ping may have been in flight
        await asyncio.sleep(0.3)
        pings_while_unhealthy = len(received(sock))
        task.cancel()
        return pings_while_healthy, pings_while_unhealthy

    healthy_pings, unhealthy_pings = asyncio.run(scenario())
    assert healthy_pings >= 4
    assert unhealthy_pings == 0


def test_a_blocked_loop_stops_the_pings(notify_socket: tuple[str, socket.socket]) -> None:
    import time

    path, sock = notify_socket
    notifier = SystemdNotifier({"NOTIFY_SOCKET": path})

    async def scenario() -> int:
        task = asyncio.create_task(run_watchdog(notifier, interval=0.05))
        await asyncio.sleep(0.01)
        received(sock)
        time.sleep(0.4)  # a stage wrongly blocking the event loop
        pings = len(received(sock))
        task.cancel()
        return pings

    assert asyncio.run(scenario()) == 0


def test_no_watchdog_configured_returns_at_once() -> None:
    asyncio.run(asyncio.wait_for(run_watchdog(SystemdNotifier({})), 1))
