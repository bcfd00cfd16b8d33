"""Errors with stable codes, so logs, metrics and HTTP responses can name what failed."""

from __future__ import annotations


class KioskError(Exception):
    """Base error: `code` is a short stable identifier (`config-invalid`, `model-missing`)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]"


class ConfigError(KioskError):
    """The configuration file or a flag is invalid; the message names the key."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__("config-invalid", f"config key '{key}': {message}")
        self.key = key


class ModelError(KioskError):
    """A model file is missing or does not verify."""
