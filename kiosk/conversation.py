"""What the daemon keeps between turns: the follow-up context and the apologies it may need.

A passenger's follow-up ("and the last train?") needs the station and line of their previous
question, but the next passenger must not inherit them: the context lives for a short window
after the last turn and is then forgotten. Apologies are synthesised once at start-up, per
language, so a turn whose stage is stuck (or a voice that fails) can still say sorry at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Protocol

from knowledge.answers.types import Context
from voice.audio import AudioChunk

logger = logging.getLogger(__name__)

APOLOGIES = {
    "ko": "죄송합니다. 지금은 답변을 드릴 수 없습니다. 잠시 후 다시 말씀해 주세요.",
    "en": "Sorry, I cannot answer right now. Please ask again in a moment.",
    "zh": "对不起，现在无法回答。请稍后再问。",
    "ja": "申し訳ありません。ただいまお答えできません。少し後でもう一度お尋ねください。",
}
"""Spoken when a turn fails or runs out of time; says nothing about the station on purpose."""


class Conversation:
    """The follow-up context of the passenger at the kiosk, reset `window_s` after a turn."""

    def __init__(self, window_s: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self._clock = clock
        self._context = Context()
        self._last: float | None = None

    def current(self) -> Context:
        """The context for the next turn: the same one within the window, a fresh one after."""
        if self._last is not None and self._clock() - self._last > self.window_s:
            logger.debug("conversation window over: context reset")
            self.reset()
        return self._context

    def touch(self) -> None:
        """A turn just ended: the window starts again from now."""
        self._last = self._clock()

    def reset(self) -> None:
        self._context = Context()
        self._last = None


class StreamingVoice(Protocol):
    def stream(self, text: str, lang: str, rate: float = 1.0) -> AsyncIterator[AudioChunk]: ...


class ApologyBank:
    """Pre-synthesised apology audio per language, kept in memory."""

    def __init__(self, audio: dict[str, list[AudioChunk]], default: str) -> None:
        self.audio = audio
        self.default = default

    @classmethod
    async def build(
        cls, speaker: StreamingVoice, languages: Iterable[str], default: str
    ) -> ApologyBank:
        """Synthesise every apology now; a language whose voice fails falls back to `default`."""
        audio: dict[str, list[AudioChunk]] = {}
        for lang in languages:
            text = APOLOGIES.get(lang)
            if text is None:
                continue
            try:
                audio[lang] = [chunk async for chunk in speaker.stream(text, lang)]
            except Exception as err:  # a missing voice must not stop the kiosk starting
                logger.warning(
                    "apology in %s not synthesised [%s]", lang, getattr(err, "code", "tts-failed")
                )
        return cls(audio, default)

    def text(self, lang: str | None) -> tuple[str, str]:
        """(language, text) actually spoken for `lang`."""
        chosen = self._language(lang)
        return chosen, APOLOGIES.get(chosen, "")

    def chunks(self, lang: str | None) -> list[AudioChunk]:
        return self.audio.get(self._language(lang), [])

    def _language(self, lang: str | None) -> str:
        if lang in self.audio:
            return lang  # type: ignore[return-value]
        return self.default if self.default in self.audio else next(iter(self.audio), self.default)
