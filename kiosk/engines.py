"""What one turn needs from its engines: structural protocols that the real engines
(`voice.stt`, `knowledge.answers`, `voice.tts`) and the test fakes both match."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from kiosk.sentence_feed import SentenceStream
from knowledge.answers.types import Answer, Context, Offer
from voice.stt import Transcript


class AsyncTranscriber(Protocol):
    async def transcribe_async(
        self, audio: bytes, language: str | None = None, names: Sequence[str] | None = None
    ) -> Transcript: ...


class StreamingAnswerer(Protocol):
    def stream(
        self,
        question: str,
        *,
        station: str | None,
        lang: str | None,
        stt_language: str | None,
        context: Context | None,
    ) -> SentenceStream: ...

    def answer(
        self,
        question: str,
        *,
        station: str | None = None,
        lang: str | None = None,
        stt_language: str | None = None,
        context: Context | None = None,
    ) -> Answer: ...


class SentenceSpeaker(Protocol):
    def stream(self, text: str, lang: str, rate: float = 1.0) -> Any: ...


@runtime_checkable
class FirstSentenceAnswerer(Protocol):
    """An answerer that can tell, without side effects, how its answer will start."""

    def first_sentence(
        self,
        question: str,
        *,
        station: str | None = None,
        stt_language: str | None = None,
        context: Context | None = None,
        offers: Sequence[Offer] = (),
        unheard: bool = False,
    ) -> tuple[str, str, float] | None: ...


@runtime_checkable
class PreparingSpeaker(Protocol):
    """A speaker that can synthesise a sentence ahead of time into its phrase cache."""

    async def prepare_async(self, text: str, lang: str, rate: float = 1.0) -> None: ...
