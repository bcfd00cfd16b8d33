"""`kiosk serve` as one object: HTTP first, then models, then audio devices, each on `/readyz`.

Start-up order matters on a kiosk nobody watches: the HTTP side comes up first, so an engineer
can always ask `/readyz` what is wrong; models and the knowledge base load next (READY=1 to
systemd once that attempt is over, with a STATUS line saying how it went); the audio devices are
opened last and re-tried every few seconds, so a USB microphone plugged in later, or one that
comes back after a glitch, is picked up without a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from kiosk import __version__
from kiosk.app import Kiosk, build_kiosk, knowledge_for_repair
from kiosk.config import Settings
from kiosk.conversation import ApologyBank
from kiosk.daemon import DaemonConfig, KioskDaemon
from kiosk.errors import KioskError
from kiosk.events import EventBus, EventType
from kiosk.hardware import profile_for, segmenter_config
from kiosk.health import (
    AUDIO_INPUT,
    AUDIO_OUTPUT,
    KNOWLEDGE_BASE,
    MODELS,
    Health,
    knowledge_probe,
)
from kiosk.model_report import require_models
from kiosk.notice_feed import NOTICE_FEED, NoticeFeedPoller, feed_policy
from kiosk.updates.poller import update_poller
from kiosk.watchdog import SystemdNotifier, run_watchdog
from kiosk.web.kb_admin import KnowledgeBaseAdmin, remove_stale_uploads
from kiosk.web.server import KioskServer
from knowledge.errors import KnowledgeError
from knowledge.store import KnowledgeBase
from voice.audio import AudioSink, AudioSource, WavFileSink, WavFileSource
from voice.errors import VoiceError

logger = logging.getLogger(__name__)


def is_wav(spec: str | None) -> bool:
    return bool(spec) and str(spec).lower().endswith(".wav")


class DeferredAdmin:
    """The operator interface before the knowledge base is open: every action refuses (409)
    with a clear code until `bind()` hands it the real `KnowledgeBaseAdmin`."""

    def __init__(self) -> None:
        self.target: KnowledgeBaseAdmin | None = None

    def bind(self, target: KnowledgeBaseAdmin) -> None:
        self.target = target

    def __getattr__(self, action: str) -> Callable[..., Any]:
        # Only reached for names the instance lacks: the operator actions themselves.
        if action.startswith("_") or not callable(getattr(KnowledgeBaseAdmin, action, None)):
            raise AttributeError(action)
        if self.target is None:
            raise KnowledgeError("kb-not-ready", "the knowledge base is still loading")
        return getattr(self.target, action)


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str | None = None
    port: int | None = None
    input: str | None = None
    """Input device (name substring or index) or a WAV file fed in real time."""
    output: str | None = None
    """Output device, or a WAV file the replies are written to."""
    device_retry_s: float = 5.0


class KioskService:
    """HTTP server, models, daemon and device supervision of one running kiosk."""

    def __init__(
        self,
        settings: Settings,
        options: ServeOptions | None = None,
        *,
        kiosk: Kiosk | None = None,
        daemon_config: DaemonConfig | None = None,
        notifier: SystemdNotifier | None = None,
    ) -> None:
        self.settings = settings
        self.options = options or ServeOptions()
        self.bus = EventBus()
        self.health = Health()
        for component in (MODELS, KNOWLEDGE_BASE, AUDIO_INPUT, AUDIO_OUTPUT):
            self.health.register(component)
        self.admin = DeferredAdmin()
        if stale := remove_stale_uploads(settings.data.dir / "uploads"):
            logger.warning("removed %d upload folder(s) of a killed import", len(stale))
        self.notifier = notifier or SystemdNotifier()
        self.daemon_config = daemon_config
        self.kiosk = kiosk
        self._own_kiosk = kiosk is None
        self.daemon: KioskDaemon | None = None
        self.notice_feed: NoticeFeedPoller | None = None
        """Polls the operator's alerts feed once the knowledge base is open (`notice_feed.url`)."""
        self.http_started = asyncio.Event()
        self.loaded = asyncio.Event()
        self.audio_finished = asyncio.Event()
        """Set when a WAV input has been played to its end (the kiosk keeps serving HTTP)."""
        self._device_state: dict[str, str] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._repair_kb: KnowledgeBase | None = None
        """The knowledge base the admin API uses while no version is readable."""
        self.sounddevice: ModuleType | None = None
        """The sounddevice module to use (None: import the real one); tests inject a fake."""
        self.server = KioskServer(
            settings,
            self.bus,
            self.health,
            admin=self.admin,  # type: ignore[arg-type]
            host=self.options.host,
            port=self.options.port,
            versions={"python_package": __version__},
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until `stop` is set (SIGTERM); always shuts HTTP and models down cleanly."""
        await self.server.start()
        self.http_started.set()
        tasks = self._tasks = [asyncio.create_task(self._watchdog(), name="kiosk-watchdog")]
        try:
            if await self._load():
                self.notifier.ready("serving")
                self._start_serving()
            else:
                self.notifier.ready("degraded: see /readyz")
                if self._repair_kb is not None:
                    tasks.append(asyncio.create_task(self._await_knowledge(), name="kiosk-kb-wait"))
            self.loaded.set()
            await stop.wait()
        finally:
            self.notifier.stopping()
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self.server.stop()
            if self.notice_feed is not None:
                self.notice_feed.close()
            self.bus.close()
            if self.kiosk is not None and self._own_kiosk:
                self.kiosk.close()
            if self._repair_kb is not None:
                self._repair_kb.close()
            logger.info("kiosk stopped")

    def _start_serving(self) -> None:
        tasks = self._tasks
        tasks.append(asyncio.create_task(self._audio_loop(), name="kiosk-audio"))
        tasks.append(asyncio.create_task(self._watch_kb(), name="kiosk-kb-watch"))
        assert self.kiosk is not None
        if poller := update_poller(self.settings, self.kiosk.kb, self.bus):
            tasks.append(asyncio.create_task(poller, name="kiosk-kb-updates"))
        if self.notice_feed is not None:
            tasks.append(asyncio.create_task(self.notice_feed.run(), name="notice-feed"))

    # -- models and knowledge ------------------------------------------------------------------

    async def _load(self) -> bool:
        """Check model files, build the kiosk, synthesise apologies; False leaves it degraded."""
        settings = self.settings
        if self.kiosk is None:
            try:
                require_models(settings)
                loop = asyncio.get_running_loop()
                keepalive = asyncio.create_task(self._extend_start_timeout())
                try:
                    self.kiosk = await loop.run_in_executor(None, build_kiosk, settings)
                finally:
                    keepalive.cancel()
            except KnowledgeError as err:
                self._fault(EventType.MODEL_FAILED, KNOWLEDGE_BASE, err.code, err.message)
                self._bind_repair_admin()
                return False
            except (KioskError, VoiceError) as err:
                self._fault(EventType.MODEL_FAILED, MODELS, err.code, err.message)
                return False
        kiosk = self.kiosk
        load = ", ".join(f"{k} {v / 1000:.1f} s" for k, v in kiosk.load_ms.items())
        self.bus.emit(EventType.MODEL_LOADED, component=MODELS, detail=load or "injected")
        self.bus.emit(EventType.MODEL_LOADED, component=KNOWLEDGE_BASE, detail="open")
        self.bus.emit(EventType.KB_RELOADED, version=kiosk.kb.version)
        self.admin.bind(KnowledgeBaseAdmin(kiosk.kb, settings.data.dir / "uploads"))
        if settings.notice_feed.url:
            kiosk.kb.use_feed(feed_policy(settings.notice_feed))  # an injected KB too
            self.notice_feed = NoticeFeedPoller(
                settings.notice_feed,
                kiosk.kb,
                publish=self.bus.emit,
                kiosk_id=settings.station.kiosk_id,
            )
            # Optional: a stale feed withholds its notices, the kiosk still answers (README).
            self.health.register_probe(NOTICE_FEED, self.notice_feed.health, required=False)
        self.health.register_probe(KNOWLEDGE_BASE, knowledge_probe(kiosk.kb))
        apologies = await ApologyBank.build(
            kiosk.speaker, settings.languages.enabled, settings.languages.default
        )
        profile = profile_for(settings)
        self.daemon = KioskDaemon(
            kiosk.runner,
            self.bus,
            vad=segmenter_config(profile.vad),
            apologies=apologies,
            config=self.daemon_config or DaemonConfig(),
            station=settings.station.name,
            default_language=settings.languages.default,
            debug=settings.privacy.debug,
        )
        return True

    async def _extend_start_timeout(self, every_s: float = 20.0) -> None:
        """A first start imports and embeds the bundled data (minutes on a small CPU): keep
        systemd's start timeout moving instead of being killed and re-importing forever."""
        while True:
            self.notifier.notify(
                f"EXTEND_TIMEOUT_USEC={int(every_s * 3 * 1_000_000)}",
                "STATUS=loading models and the knowledge base",
            )
            await asyncio.sleep(every_s)

    def _bind_repair_admin(self) -> None:
        """No version is readable: the admin API gets a knowledge base with nothing serving,
        so an operator can roll back, import or check status while passengers wait (#17.3)."""
        if self._repair_kb is None:
            try:
                self._repair_kb = knowledge_for_repair(self.settings)
            except (KnowledgeError, KioskError, OSError) as err:
                logger.error("knowledge base cannot be opened even for repair: %s", err)
                return
        self.admin.bind(KnowledgeBaseAdmin(self._repair_kb, self.settings.data.dir / "uploads"))

    async def _await_knowledge(self, interval: float = 2.0) -> None:
        """Once a rollback, import or restored file makes a version readable, load the kiosk
        and serve passengers, without a restart (if loading fails again, keep waiting)."""
        assert self._repair_kb is not None
        loop = asyncio.get_running_loop()
        while True:
            wait = interval
            if (await loop.run_in_executor(None, self._repair_kb.verify)).ok:
                logger.info("a readable knowledge version is back: loading the kiosk")
                self._device_state.pop(KNOWLEDGE_BASE, None)
                if await self._load():
                    self.notifier.notify("STATUS=serving")
                    self._start_serving()
                    return
                wait = 15 * interval  # something else failed (see /readyz): not every 2 s
            await asyncio.sleep(wait)

    async def _watch_kb(self, interval: float = 5.0) -> None:
        """Check the serving files (`KnowledgeBase.verify`: damage falls back by itself) and
        publish `kb_reloaded` when an import, rollback or fallback swapped the version."""
        assert self.kiosk is not None
        kb = self.kiosk.kb
        loop = asyncio.get_running_loop()
        seen, healthy = kb.health().version, True
        while True:
            await asyncio.sleep(interval)
            health = await loop.run_in_executor(None, kb.verify)
            if health.ok != healthy:
                healthy = health.ok
                kind = EventType.MODEL_LOADED if health.ok else EventType.MODEL_FAILED
                self.bus.emit(
                    kind, component=KNOWLEDGE_BASE, code=health.code, detail=health.detail
                )
            with contextlib.suppress(KnowledgeError):
                version = kb.version
                if version != seen:
                    seen = version
                    self.bus.emit(EventType.KB_RELOADED, version=version)

    # -- audio devices -------------------------------------------------------------------------

    async def _audio_loop(self) -> None:
        """Open the devices, run the daemon; on a missing or lost device, retry every few s."""
        assert self.daemon is not None
        while True:
            opened = await self._open_audio()
            if opened is not None:
                source, sink = opened
                try:
                    await self.daemon.run(source, sink)
                    if is_wav(self.options.input):
                        logger.info("input file played to its end; HTTP keeps serving")
                        self.audio_finished.set()
                        return
                except VoiceError as err:
                    self._fault(EventType.DEVICE_LOST, AUDIO_INPUT, err.code, err.message)
                except Exception:  # supervise: the loop must come back, whatever broke it
                    logger.exception("turn loop stopped unexpectedly; restarting it")
                finally:
                    await _close(source, sink)
            await asyncio.sleep(self.options.device_retry_s)

    async def _open_audio(self) -> tuple[AudioSource, AudioSink] | None:
        profile = profile_for(self.settings)
        spec_in = self.options.input
        source: AudioSource | None = None
        sink: AudioSink | None = None
        try:
            if is_wav(spec_in):
                source = WavFileSource(Path(str(spec_in)), realtime=True)
                source.load()  # type: ignore[union-attr]
            else:
                from voice.devices import SoundDeviceSource

                device = SoundDeviceSource(
                    spec_in or profile.input.device,
                    channels=profile.input.channels,
                    sd=self.sounddevice,
                )
                await device.start()
                source = device
            self._device_ok(AUDIO_INPUT, str(spec_in or profile.input.device))
        except VoiceError as err:
            self._fault(EventType.DEVICE_LOST, AUDIO_INPUT, err.code, err.message)
        try:
            sink = await self._open_output(profile.output.device)
            self._device_ok(AUDIO_OUTPUT, str(self.options.output or profile.output.device))
        except VoiceError as err:
            self._fault(EventType.DEVICE_LOST, AUDIO_OUTPUT, err.code, err.message)
        if source is None or sink is None:
            await _close(source, sink)
            return None
        return source, sink

    async def _open_output(self, profile_device: str) -> AudioSink:
        spec_out = self.options.output
        if is_wav(spec_out) or (spec_out is None and is_wav(self.options.input)):
            target = Path(spec_out) if spec_out else self._reply_file()
            target.parent.mkdir(parents=True, exist_ok=True)
            return WavFileSink(target)
        from voice.devices import SoundDeviceSink

        sink = SoundDeviceSink(spec_out or profile_device, sd=self.sounddevice)
        await sink.start()
        return sink

    def _reply_file(self) -> Path:
        stem = Path(str(self.options.input)).stem
        return self.settings.data.dir / "replies" / f"{stem}-replies.wav"

    def _device_ok(self, component: str, detail: str) -> None:
        if self._device_state.get(component) != "ok":
            self._device_state[component] = "ok"
            self.bus.emit(EventType.DEVICE_OK, component=component, detail=detail)

    def _fault(self, kind: EventType, component: str, code: str, detail: str) -> None:
        """Publish a fault once per change (a retry every 5 s must not flood logs and metrics)."""
        key = f"{code}:{detail}"
        if self._device_state.get(component) == key:
            return
        self._device_state[component] = key
        logger.error("%s unavailable [%s]: %s", component, code, detail)
        self.bus.emit(kind, component=component, code=code, detail=detail)

    async def _watchdog(self) -> None:
        await run_watchdog(self.notifier, healthy=lambda: True)


async def _close(source: AudioSource | None, sink: AudioSink | None) -> None:
    if source is not None:
        with contextlib.suppress(Exception):
            await source.close()
    if isinstance(sink, WavFileSink):
        if sink.played:
            sink.close()
    elif sink is not None and hasattr(sink, "close"):
        with contextlib.suppress(Exception):
            await sink.close()
