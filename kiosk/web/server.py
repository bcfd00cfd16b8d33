"""The kiosk's HTTP side: maintenance endpoints, captions page and stream, operator API.

`KioskServer` runs uvicorn inside the daemon's own asyncio loop, so the turn loop and HTTP
share one loop and one `EventBus`: the captions page, `/status` and `/metrics` read exactly
the events the pipeline published.

    bus, health = EventBus(), Health()
    server = KioskServer(settings, bus, health, admin=knowledge_admin)
    port = await server.start()       # serving; port=0 in settings picks a free port
    ...                                # pipeline: bus.emit(EventType.TRANSCRIPT, ...)
    await server.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, StreamingResponse

from kiosk import __version__
from kiosk.config import Settings
from kiosk.events import EventBus, Subscription
from kiosk.health import Health
from kiosk.web.admin import AUDIT_FILE, AdminAuth, AdminWorker, AuditLog
from kiosk.web.admin_api import AuthFirstMiddleware, build_admin_router, invalid_request
from kiosk.web.captions import CAPTION_EVENTS, CaptionBoard, add_choice_route, sse_message
from kiosk.web.kb_admin import KnowledgeBaseAdmin
from kiosk.web.limits import BodyLimitMiddleware, guarded_protocol
from kiosk.web.metrics import CONTENT_TYPE, KioskMetrics
from kiosk.web.status import StateTracker, TurnHistory

logger = logging.getLogger(__name__)

GREETINGS = {
    "ko": ("안녕하세요", "말씀해 주시면 열차, 출구, 엘리베이터, 환승을 안내해 드립니다."),
    "en": ("Hello", "Ask me about trains, exits, elevators and transfers."),
    "zh": ("您好", "请说出您的问题：列车、出口、电梯、换乘。"),
    "ja": ("こんにちは", "電車・出口・エレベーター・乗り換えについてお尋ねください。"),
}
"""Idle screen text; generic on purpose (the page states no fact about the station)."""

_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'"
)


@dataclass
class Observers:
    """The event consumers the HTTP side reads from, attached to one bus."""

    metrics: KioskMetrics
    state: StateTracker
    turns: TurnHistory
    captions: CaptionBoard
    started: float = field(default_factory=time.monotonic)

    @classmethod
    def attach(cls, bus: EventBus, health: Health, settings: Settings) -> Observers:
        obs = cls(
            metrics=KioskMetrics.for_kiosk(settings, bus, health, version=__version__),
            state=StateTracker(),
            turns=TurnHistory(),
            captions=CaptionBoard(),
        )
        for listener in (health.observe, obs.metrics.observe, obs.state.observe):
            bus.add_listener(listener)
        bus.add_listener(obs.turns.observe)
        bus.add_listener(obs.captions.observe)
        return obs


def create_app(
    settings: Settings,
    bus: EventBus,
    health: Health,
    observers: Observers,
    *,
    admin: KnowledgeBaseAdmin | None = None,
    auth: AdminAuth | None = None,
    versions: Mapping[str, str] | None = None,
    max_caption_clients: int = 16,
) -> FastAPI:
    """The FastAPI app; `KioskServer` builds one, tests may too."""
    app = FastAPI(
        title="Station kiosk",
        version=__version__,
        description="Maintenance, captions and operator API of one station kiosk.",
        docs_url=None,  # Swagger UI loads scripts from a CDN; a kiosk has no internet.
        redoc_url=None,
        # Starlette's trailing-slash redirect builds its Location from the Host header: any
        # client could make the kiosk point a browser elsewhere. /status/ is a 404 instead.
        redirect_slashes=False,
    )
    auth = auth or AdminAuth({"admin": settings.http.admin_token})
    audit = AuditLog(settings.data.dir / AUDIT_FILE, kiosk_id=settings.station.kiosk_id)
    router, worker = build_admin_router(
        admin, auth, audit, max_upload_bytes=settings.http.max_upload_bytes
    )
    app.state.admin_auth = auth
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.include_router(router)
    app.state.admin_worker = worker
    app.state.caption_streams = {}  # Subscription -> None, oldest first
    _add_maintenance_routes(app, settings, bus, health, observers, dict(versions or {}))
    _add_caption_routes(app, settings, bus, observers, max_caption_clients)
    return app


def _add_maintenance_routes(
    app: FastAPI,
    settings: Settings,
    bus: EventBus,
    health: Health,
    observers: Observers,
    extra_versions: dict[str, str],
) -> None:
    """`/livez`, `/readyz`, `/metrics` and `/status`: what maintenance staff and Prometheus read."""

    @app.get("/livez", tags=["maintenance"], summary="The process is alive")
    async def livez() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz", tags=["maintenance"], summary="200 when every required part is up")
    async def readyz() -> JSONResponse:
        components = {n: s.as_dict() for n, s in health.snapshot().items()}
        down = {n: s for n, s in components.items() if not s["ok"]}
        failing = {n: s for n, s in down.items() if s["required"]}
        # An optional part down (a stale notice feed) is `degraded`: the kiosk still serves.
        degraded = {n: s for n, s in down.items() if not s["required"]}
        body = {"ready": not failing, "failing": failing, "degraded": degraded}
        body["components"] = components
        return JSONResponse(body, status_code=503 if failing else 200)

    @app.get("/metrics", tags=["maintenance"], summary="Prometheus text exposition")
    async def metrics() -> PlainTextResponse:
        return PlainTextResponse(observers.metrics.render(), media_type=CONTENT_TYPE)

    @app.get("/status", tags=["maintenance"], summary="State, versions, health, recent turns")
    async def status() -> dict[str, Any]:
        return {
            "kiosk_id": settings.station.kiosk_id,
            "station": settings.station.name,
            "state": observers.state.as_dict(),
            "ready": health.ready,
            "components": {n: s.as_dict() for n, s in health.snapshot().items()},
            "versions": {"kiosk": __version__, "kb": observers.state.kb_version, **extra_versions},
            "uptime_seconds": round(time.monotonic() - observers.started, 1),
            "recent_turns": observers.turns.recent(),
            "caption_clients": len(app.state.caption_streams),
            "event_drops": bus.drops(),
        }


def _add_caption_routes(
    app: FastAPI, settings: Settings, bus: EventBus, observers: Observers, max_clients: int
) -> None:
    """The captions page and its Server-Sent Events stream."""
    page = _captions_page(settings)

    @app.get("/", response_class=HTMLResponse, tags=["captions"], summary="Captions page")
    async def captions_page() -> HTMLResponse:
        headers = {"Content-Security-Policy": _CSP, "Cache-Control": "no-store"}
        return HTMLResponse(page, headers=headers)

    add_choice_route(app, bus, observers.captions)

    @app.get("/events/captions", tags=["captions"], summary="Live captions (Server-Sent Events)")
    async def caption_events(request: Request) -> StreamingResponse:
        streams: dict[Subscription, None] = app.state.caption_streams
        if len(streams) >= max_clients:
            # The newest wins: idle clients cannot lock out the kiosk's screen, which reconnects
            oldest = next(iter(streams))
            streams.pop(oldest, None)
            oldest.close()
        sub = bus.subscribe("captions", maxsize=64)
        streams[sub] = None
        gen = _caption_stream(sub, observers.captions, request.is_disconnected, streams)
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(gen, media_type="text/event-stream", headers=headers)


async def _caption_stream(
    sub: Subscription,
    board: CaptionBoard,
    disconnected: Callable[[], Awaitable[bool]],
    streams: dict[Subscription, None],
    heartbeat: float = 15.0,
):
    """Whole caption snapshots: on connect, then after each event that changes the screen."""
    try:
        yield "retry: 2000\n\n"
        last = board.snapshot()
        yield sse_message(last, id=last["seq"])
        while True:
            try:
                event = await sub.get(timeout=heartbeat)
            except StopAsyncIteration:
                return
            if event is None:
                if await disconnected():
                    return
                yield ": keep-alive\n\n"
                continue
            if event.type not in CAPTION_EVENTS:
                continue
            snap = board.snapshot()
            if snap["seq"] != last["seq"]:
                last = snap
                yield sse_message(snap, id=snap["seq"])
    finally:
        sub.close()
        streams.pop(sub, None)


def _captions_page(settings: Settings) -> str:
    html = resources.files("kiosk.web").joinpath("captions.html").read_text(encoding="utf-8")
    langs = [lang for lang in settings.languages.enabled if lang in GREETINGS]
    config = {
        "languages": langs,
        "default": settings.languages.default,
        "greetings": {lang: GREETINGS[lang] for lang in langs},
        "holdSeconds": 20,
        "rotateSeconds": 6,
    }
    # `<` escaped so no configured text can close the script element.
    blob = json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")
    return html.replace("/*KIOSK_CONFIG*/null", blob)


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its signal handlers: the daemon owns SIGTERM and shuts HTTP down itself."""

    @contextlib.contextmanager
    def capture_signals(self):  # type: ignore[override]
        yield


class KioskServer:
    """Builds the app and serves it as a task on the running loop."""

    def __init__(
        self,
        settings: Settings,
        bus: EventBus,
        health: Health,
        *,
        admin: KnowledgeBaseAdmin | None = None,
        auth: AdminAuth | None = None,
        versions: Mapping[str, str] | None = None,
        host: str | None = None,
        port: int | None = None,
    ) -> None:
        self.settings = settings
        self.bus = bus
        self.observers = Observers.attach(bus, health, settings)
        self.app = create_app(
            settings, bus, health, self.observers, admin=admin, auth=auth, versions=versions
        )
        self.host = host if host is not None else settings.http.host
        self._port = settings.http.port if port is None else port
        http = settings.http
        config = uvicorn.Config(
            self.app,
            host=self.host,
            port=self._port,
            log_level="warning",
            log_config=None,  # uvicorn's records go through the kiosk's handler and its limiter
            access_log=False,  # query strings are not passenger text, but keep logs lean
            lifespan="off",
            timeout_graceful_shutdown=3,
            server_header=False,
            # No proxy sits in front of a kiosk: an X-Forwarded-For header is the client's own
            # claim, and trusted it let anyone dodge the failure limit and forge the audit log.
            proxy_headers=False,
            # Idle and half-open connections cannot pile up (#17.8): see kiosk/web/limits.py.
            http=guarded_protocol(http.max_connections, http.head_timeout_s),
            # Busy connections cannot be shed: past twice the cap (closed ones are counted until
            # their close is processed) a request gets a cheap 503 instead of the app.
            limit_concurrency=2 * http.max_connections,
            timeout_keep_alive=http.keep_alive_s,
            h11_max_incomplete_event_size=16 * 1024,  # a request head over 16 KiB is refused
        )
        self.app.add_middleware(BodyLimitMiddleware, max_bytes=settings.http.max_upload_bytes)
        self.app.add_middleware(AuthFirstMiddleware)  # outermost: no body read before the token
        self._server = _EmbeddedServer(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The bound port (the real one when started with port 0)."""
        return self._port

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    async def start(self, timeout: float = 10.0) -> int:
        """Start serving on the running loop; returns the bound port."""
        self._task = asyncio.create_task(self._serve(), name="kiosk-http")
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if self._task.done():
                self._task.result()  # re-raise the bind error
                raise OSError(f"HTTP server did not start on {self.host}:{self._port}")
            if time.monotonic() > deadline:
                raise TimeoutError("HTTP server did not start in time")
            await asyncio.sleep(0.02)
        sockets = [s for server in self._server.servers for s in server.sockets]
        if sockets:
            self._port = sockets[0].getsockname()[1]
        logger.info("HTTP serving on %s", self.url)
        return self._port

    async def _serve(self) -> None:
        try:
            await self._server.serve()
        except SystemExit:
            # uvicorn calls sys.exit() when it cannot bind; inside the daemon's loop that would
            # take the whole kiosk down, so it becomes an ordinary error for start() to raise.
            raise OSError(f"cannot listen on {self.host}:{self._port} (see log)") from None

    async def stop(self) -> None:
        """End caption streams, stop accepting, wait for the server task."""
        for sub in list(self.app.state.caption_streams):
            sub.close()
        self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        worker: AdminWorker | None = self.app.state.admin_worker
        if worker is not None:
            worker.close()
        logger.info("HTTP stopped")

    @property
    def audit_path(self) -> Path:
        return self.settings.data.dir / AUDIT_FILE
