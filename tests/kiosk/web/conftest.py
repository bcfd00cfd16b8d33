"""A real kiosk HTTP server on 127.0.0.1:0, in its own event-loop thread, per test."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.config import Settings
from kiosk.events import EventBus, EventType
from kiosk.health import AUDIO_INPUT, AUDIO_OUTPUT, KNOWLEDGE_BASE, MODELS, Health
from kiosk.web.admin import AdminAuth
from kiosk.web.server import KioskServer
from tests.kit.admin import FakeKnowledgeAdmin
from tests.kit.loop_thread import LoopThread
from tests.kit.settings import ADMIN_TOKEN, make_settings

TOKEN = ADMIN_TOKEN


@dataclasses.dataclass
class Harness:
    server: KioskServer
    bus: EventBus
    health: Health
    admin: Any
    settings: Settings
    loop: LoopThread

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10.0, **kwargs)

    def admin_client(self) -> httpx.Client:
        return self.client(headers={"Authorization": f"Bearer {TOKEN}", "X-Operator": "Kim"})

    def emit(self, type: EventType, **data: Any) -> None:
        """Publish from the test thread (the bus hands it to the server's loop)."""
        self.bus.emit(type, **data)

    def all_up(self) -> None:
        for name in (MODELS, KNOWLEDGE_BASE, AUDIO_INPUT, AUDIO_OUTPUT):
            self.health.set_ok(name)


@pytest.fixture
def make_harness(tmp_path: Path) -> Iterator[Callable[..., Harness]]:
    """Build and start a server with custom settings; everything is stopped afterwards."""
    started: list[Harness] = []

    def build(
        *,
        auth: AdminAuth | None = None,
        with_kb: bool = True,
        admin: Any = None,
        **http: Any,
    ) -> Harness:
        settings = make_settings(tmp_path / "var", http=http)
        loop = LoopThread()
        bus, health = EventBus(), Health()
        admin = admin if admin is not None else FakeKnowledgeAdmin()
        for name in (MODELS, KNOWLEDGE_BASE, AUDIO_INPUT, AUDIO_OUTPUT):
            health.register(name)

        async def start() -> KioskServer:
            server = KioskServer(
                settings,
                bus,
                health,
                admin=admin if with_kb else None,
                auth=auth,
                port=0,
                versions={"stt": "test"},
            )
            await server.start()
            return server

        harness = Harness(loop.run(start()), bus, health, admin, settings, loop)
        started.append(harness)
        return harness

    yield build
    for h in started:
        h.loop.run(h.server.stop(), timeout=15)
        h.loop.close()


@pytest.fixture
def harness(make_harness: Callable[..., Harness]) -> Harness:
    return make_harness()
