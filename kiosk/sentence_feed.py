"""An answer's sentences carried from the answer worker thread to the event loop.

The answerer may be LLM-backed and block for hundreds of milliseconds per sentence, so it runs
in a worker thread; the pipeline's event loop speaks each sentence as soon as it is handed over.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from knowledge.answers.types import Answer

_DONE = object()


class SentenceStream(Protocol):
    """Sentences; `language` and `speech_rate` are set before the first, `answer` after the last."""

    language: str | None
    speech_rate: float
    answer: Answer | None

    def __iter__(self) -> Iterator[str]: ...


@dataclass(slots=True)
class FirstHeard:
    """When the answer's first sentence (from the answer's start) and first audio (from the
    pipeline's start) were there; None if never."""

    sentence_ms: float | None = None
    audio_ms: float | None = None


class SentenceFeed:
    """An answer's sentences, drained from its (possibly LLM-backed) generator in the answer
    worker and handed to the event loop over a queue, with the voice each is to be said in."""

    def __init__(self, open_stream: Callable[[], SentenceStream], language: str) -> None:
        self._open_stream = open_stream
        self._language = language
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self._stop = threading.Event()
        self._answer: Answer | None = None
        self._producer: asyncio.Future[None] | None = None
        self.started = 0.0
        """`perf_counter()` when the answer was asked for."""

    def start(self, loop: asyncio.AbstractEventLoop, worker: ThreadPoolExecutor) -> None:
        self.started = time.perf_counter()
        self._producer = loop.run_in_executor(worker, self._produce, loop)

    def _produce(self, loop: asyncio.AbstractEventLoop) -> None:
        # Runs in the answer worker: every blocking step of the answer happens here.
        put = self._queue.put_nowait
        try:
            stream = self._open_stream()
            for sentence in stream:
                if self._stop.is_set():
                    return
                voice = (stream.language or self._language, stream.speech_rate)
                loop.call_soon_threadsafe(put, (sentence, *voice))
            self._answer = stream.answer
        except BaseException as err:  # handed to the loop, re-raised there
            loop.call_soon_threadsafe(put, err)
        finally:
            loop.call_soon_threadsafe(put, _DONE)

    def __aiter__(self) -> SentenceFeed:
        return self

    async def __anext__(self) -> tuple[str, str, float]:
        """(sentence, language, speech rate) until the answer ends; raises the worker's error."""
        item = await self._queue.get()
        if item is _DONE:
            raise StopAsyncIteration
        if isinstance(item, BaseException):
            raise item
        return item

    def stop(self) -> None:
        """Tell the worker to stop at its next sentence."""
        self._stop.set()

    @property
    def producing(self) -> bool:
        """The worker is still inside the answer (perhaps stuck in a model call)."""
        return self._producer is not None and not self._producer.done()

    async def finished(self) -> Answer | None:
        """Wait for the worker to leave the answer; the answer if it got to the end."""
        assert self._producer is not None
        await self._producer
        return self._answer
