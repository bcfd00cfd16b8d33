"""A real `KioskServer` over a real knowledge base on 127.0.0.1:0, run in its own loop thread."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from kiosk.config import Settings
from kiosk.events import EventBus
from kiosk.health import KNOWLEDGE_BASE, MODELS, Health, knowledge_probe
from kiosk.web.admin import AdminAuth
from kiosk.web.kb_admin import KnowledgeBaseAdmin
from kiosk.web.server import KioskServer
from knowledge.store import KnowledgeBase
from tests.kit.loop_thread import LoopThread
from tests.kit.settings import ADMIN_TOKEN


@dataclasses.dataclass
class Live:
    server: KioskServer
    bus: EventBus
    health: Health
    kb: KnowledgeBase
    settings: Settings
    loop: LoopThread

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, timeout=30.0, headers=headers, **kwargs)

    def admin(self) -> httpx.Client:
        return self.client(ADMIN_TOKEN)


@contextmanager
def live_server(
    settings: Settings, kb_root: Path, *, auth: AdminAuth | None = None, bus: EventBus | None = None
) -> Iterator[Live]:
    kb = KnowledgeBase.open(kb_root, None)
    bus = bus or EventBus()
    health = Health()
    health.register(MODELS)
    health.set_ok(MODELS)
    health.register_probe(KNOWLEDGE_BASE, knowledge_probe(kb))  # as `kiosk serve` wires it
    admin = KnowledgeBaseAdmin(kb, settings.data.dir / "uploads")
    loop = LoopThread()
    server = loop.run(_make(settings, bus, health, admin, auth))
    loop.run(server.start())
    try:
        yield Live(server, bus, health, kb, settings, loop)
    finally:
        loop.run(server.stop())
        loop.close()
        kb.close()


async def _make(settings, bus, health, admin, auth) -> KioskServer:
    # Built on the loop: the server and its admin worker belong to that loop.
    return KioskServer(settings, bus, health, admin=admin, auth=auth, port=0)
