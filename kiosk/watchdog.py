"""systemd readiness and watchdog notifications (`sd_notify`) over `$NOTIFY_SOCKET`.

The protocol is one datagram of `KEY=value` lines to a Unix socket, so the socket module is
enough and no binding package is needed. `READY=1` goes out once models are loaded and the
knowledge base is open; `WATCHDOG=1` is sent from a task on the daemon's event loop, so a loop
blocked by a stuck stage stops the pings and systemd restarts the kiosk. Outside systemd
(no `$NOTIFY_SOCKET`) every call is a cheap no-op.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Mapping

logger = logging.getLogger(__name__)


class SystemdNotifier:
    """Sends sd_notify messages; never raises (a lost notification must not kill the kiosk)."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self.address = _address(env.get("NOTIFY_SOCKET", ""))
        self.watchdog_seconds = _watchdog_seconds(env)

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def notify(self, *fields: str) -> bool:
        """Send `fields` (`"READY=1"`, `"STATUS=..."`) as one datagram; True if sent."""
        if self.address is None or not fields:
            return False
        payload = "\n".join(fields).encode("utf-8")
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(self.address)
                sock.sendall(payload)
        except OSError as err:
            logger.warning("sd_notify failed: %s", err.strerror or err)
            return False
        return True

    def ready(self, status: str = "") -> bool:
        return self.notify("READY=1", *([f"STATUS={status}"] if status else []))

    def status(self, text: str) -> bool:
        return self.notify(f"STATUS={text}")

    def watchdog(self) -> bool:
        return self.notify("WATCHDOG=1")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")


def _address(raw: str) -> str | bytes | None:
    if not raw:
        return None
    if raw.startswith("@"):  # abstract namespace socket
        return b"\0" + raw[1:].encode()
    if raw.startswith("/"):
        return raw
    logger.warning("ignoring NOTIFY_SOCKET that is neither a path nor abstract: %r", raw)
    return None


def _watchdog_seconds(env: Mapping[str, str]) -> float | None:
    """The watchdog timeout systemd set for this process (None when off or for another pid)."""
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and (not pid.isdigit() or int(pid) != os.getpid()):
        return None
    return int(usec) / 1_000_000


async def run_watchdog(
    notifier: SystemdNotifier,
    *,
    interval: float | None = None,
    healthy: Callable[[], bool] | None = None,
) -> None:
    """Ping `WATCHDOG=1` every `interval` (half the systemd timeout) until cancelled.

    Runs on the event loop on purpose: if the loop hangs, pings stop. `healthy` lets the
    daemon withhold pings when its turn loop is wedged even though the event loop runs.
    """
    if interval is None:
        if notifier.watchdog_seconds is None:
            return
        interval = notifier.watchdog_seconds / 2
    interval = max(interval, 0.01)
    withheld = False
    while True:
        if healthy is None or healthy():
            notifier.watchdog()
            if withheld:
                logger.info("watchdog pings resumed")
            withheld = False
        elif not withheld:
            logger.error("watchdog pings withheld: daemon reports unhealthy")
            withheld = True
        await asyncio.sleep(interval)
