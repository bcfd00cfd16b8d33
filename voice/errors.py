"""Errors raised by the voice stages.

`voice` must not import `kiosk`, so it carries its own base error with the same `(code, message)`
shape as `kiosk.errors.KioskError`; the daemon maps both onto one event stream.
"""

from __future__ import annotations


class VoiceError(Exception):
    """Base error: `code` is a short stable identifier such as `audio-device-missing`."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"


class SttError(VoiceError):
    """Speech recognition failed (model missing, decoder error)."""


class TtsError(VoiceError):
    """Speech synthesis failed (voice missing, espeak-ng not installed)."""


class LlmError(VoiceError):
    """The language model cannot be used as configured (no chat format known for it)."""
