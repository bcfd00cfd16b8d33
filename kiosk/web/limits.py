"""Limits that keep the kiosk's HTTP side up under abuse: body size, connections, slow heads.

uvicorn (0.54, h11) has no timeout for a request head: a connection that sends nothing, or a
few bytes a minute, is held forever, and 1,100 of them used every file descriptor, took HTTP
down and flooded the log (#17.8). `guarded_protocol` builds uvicorn's h11 protocol with a
deadline for each request head and a connection cap that, when reached, closes the connection
that has waited longest without sending a request: a real client sends its request at once,
so the kiosk's own screen and an operator still get through while idle sockets are shed.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ClassVar

from uvicorn.protocols.http.h11_impl import H11Protocol

logger = logging.getLogger(__name__)


class HeadDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline and an evicting connection cap."""

    max_connections: ClassVar[int] = 128
    head_timeout_s: ClassVar[float] = 10.0
    waiting: ClassVar[OrderedDict[HeadDeadlineProtocol, None]]
    """Connections waiting for a request head, oldest first (one per server: `guarded_protocol`)."""

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer: Any = None
        self._await_head()
        self._shed_idle()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_seen()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a request head was parsed: the request is under way
            self._head_seen()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Keep-alive with no pipelined request parsed yet: the next head has a deadline too.
        cycle = self.cycle
        if not self.transport.is_closing() and cycle is not None and cycle.response_complete:
            self._await_head()

    def _await_head(self) -> None:
        self._head_seen()
        self.waiting[self] = None
        self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_overdue)

    def _head_seen(self) -> None:
        self.waiting.pop(self, None)
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_overdue(self) -> None:
        self._head_timer = None
        self.waiting.pop(self, None)
        if not self.transport.is_closing():
            logger.debug("closed a connection that sent no request head in time")
            self.transport.close()

    def _shed_idle(self) -> None:
        open_now = sum(1 for c in self.connections if not c.transport.is_closing())
        shed = 0
        while open_now > self.max_connections:
            oldest = next((c for c in self.waiting if c is not self), None)
            if oldest is None:
                break  # every other one is mid-request: uvicorn's limit_concurrency answers 503
            oldest._head_seen()
            oldest.transport.close()
            open_now -= 1
            shed += 1
        if shed:
            logger.warning(
                "connection cap (%d) reached: closed the connection idle the longest",
                self.max_connections,
            )


def guarded_protocol(max_connections: int, head_timeout_s: float) -> type[H11Protocol]:
    """A protocol class for one server (its own waiting list) with these limits."""
    attrs = {
        "max_connections": max_connections,
        "head_timeout_s": head_timeout_s,
        "waiting": OrderedDict(),
    }
    return type("KioskH11Protocol", (HeadDeadlineProtocol,), attrs)


class BodyLimitMiddleware:
    """Refuses bodies over `max_bytes` with 413: by Content-Length before reading any of it, and
    by counting while reading for chunked uploads, whatever the route then does (FastAPI turned
    the overflow inside its body parsing into 400 "error parsing the body"). The rest of an
    oversized body is read and discarded, up to `max_bytes` more, so a client that sends its
    whole body before reading (most do) sees the 413 instead of a reset connection."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > self.max_bytes):
                if value.isdigit() and int(value) <= 2 * self.max_bytes:
                    await self._drain(receive, int(value))
                await self._refuse(send)
                return
        received = 0
        overflow = False
        started = False

        async def counted_receive() -> dict:
            nonlocal received, overflow
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    overflow = True
                    if message.get("more_body"):
                        await self._drain(receive, self.max_bytes)
                    raise _TooLarge
            return message

        async def guarded_send(message: dict) -> None:
            nonlocal started
            if overflow:  # the route's own answer to the overflow (400, 500) is replaced
                if not started:
                    started = True
                    await self._refuse(send)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    @staticmethod
    async def _drain(receive: Callable, limit: int) -> None:
        discarded = 0
        while discarded <= limit:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body"):
                return
            discarded += len(message.get("body", b""))

    async def _refuse(self, send: Callable) -> None:
        body = json.dumps({"detail": {"code": "body-too-large", "limit": self.max_bytes}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass
