"""Reply playback that can be stopped at once and that tells the barge-in detector what it plays.

A TTS chunk is a whole sentence (seconds of audio). Handed to a sink as one piece it could only be
interrupted at the next sentence, far beyond the 200 ms a barge-in allows. `Playback` cuts every
chunk into short blocks and feeds them to the real sink at the pace they are heard, so `stop()`
silences the speaker within one block. The blocks' levels and play times are the *reference
signal*: the barge-in detector compares the microphone against what the speaker is saying, so
the kiosk's own voice does not interrupt itself.

`play()` only queues and returns: the turn keeps synthesising the next sentence while this one
is heard (streaming overlap); `drain()` waits until the reply has been spoken.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass

from voice.audio import AudioChunk, AudioSink
from voice.frames import SILENCE_DBFS, rms_dbfs

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PlayedBlock:
    """One block as heard: loop-time start and end, and its RMS level."""

    start: float
    end: float
    dbfs: float


class Playback:
    """An interruptible, paced `AudioSink` in front of the real one.

    `device_clock=True` is for sound cards, which consume audio at their own rate: blocks are
    then kept `lead_s` ahead of the speaker so it never runs dry. Other sinks (memory and file
    sinks) are drained block by block; with `realtime=False` they are fed as fast as possible
    (tests and file runs that do not need a live speaker).
    """

    def __init__(
        self,
        sink: AudioSink,
        *,
        block_ms: int = 20,
        device_clock: bool = False,
        lead_s: float = 0.1,
        realtime: bool = True,
        history_s: float = 3.0,
    ) -> None:
        self.sink = sink
        self.block_ms = block_ms
        self.device_clock = device_clock
        self.lead_s = lead_s if device_clock else 0.0
        self.realtime = realtime
        self.sample_rate = sink.sample_rate
        self.stopped_at: float | None = None
        """Loop time of the last `stop()` (barge-in latency is measured against it)."""
        self._blocks: deque[AudioChunk] = deque()
        self._played: deque[PlayedBlock] = deque(maxlen=max(1, int(history_s * 1000 / block_ms)))
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._clock_start = 0.0
        self._clock_played = 0.0

    # -- AudioSink -------------------------------------------------------------------------------

    async def play(self, chunk: AudioChunk) -> None:
        """Queue `chunk`; playback starts (or continues) without waiting for it."""
        step = max(1, chunk.rate * self.block_ms // 1000) * 2
        data = chunk.samples
        for offset in range(0, len(data), step):
            self._blocks.append(AudioChunk(data[offset : offset + step], rate=chunk.rate))
        if self._blocks and (self._task is None or self._task.done()):
            self._idle.clear()
            self._task = asyncio.create_task(self._player(), name="kiosk-playback")

    async def drain(self) -> None:
        """Wait until everything queued has been heard (or playback was stopped)."""
        await self._idle.wait()
        if self.device_clock and self.stopped_at is None:
            await self.sink.drain()

    def stop(self) -> None:
        """Silence now: drop what is queued and stop the sink mid-block."""
        loop = asyncio.get_running_loop()
        self.stopped_at = loop.time()
        self._blocks.clear()
        self.sink.stop()
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None  # a reply queued after this starts a fresh player
        self._idle.set()

    # -- state for the daemon and the barge-in detector --------------------------------------------

    @property
    def playing(self) -> bool:
        return not self._idle.is_set()

    def reference_dbfs(self, now: float, window_s: float) -> float:
        """The loudest block heard in `[now - window_s, now]`: the echo the microphone may hold."""
        since = now - window_s
        levels = [b.dbfs for b in self._played if b.end >= since and b.start <= now]
        return max(levels, default=SILENCE_DBFS)

    def reset(self) -> None:
        """Forget the stop mark before a new reply."""
        self.stopped_at = None

    async def close(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    # -- the player ------------------------------------------------------------------------------

    async def _player(self) -> None:
        loop = asyncio.get_running_loop()
        self._clock_start, self._clock_played = loop.time(), 0.0
        try:
            while self._blocks:
                block = self._blocks.popleft()
                start = self._clock_start + self._clock_played
                level = rms_dbfs(block.samples)
                self._played.append(PlayedBlock(start, start + block.seconds, level))
                await self.sink.play(block)
                if not self.device_clock:
                    await self.sink.drain()
                self._clock_played += block.seconds
                if self.realtime:
                    await self._pace(loop, block.seconds)
        finally:
            if self._task is asyncio.current_task() and not self._blocks:
                self._idle.set()

    async def _pace(self, loop: asyncio.AbstractEventLoop, block_s: float) -> None:
        """Sleep until the next block is due; after an underrun, restart the clock from now."""
        due = self._clock_start + self._clock_played - self.lead_s
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -2 * block_s:
            self._clock_start -= delay  # the speaker ran dry: it resumes now, not in the past
