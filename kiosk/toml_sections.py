"""TOML tables to frozen dataclasses: one set of rules for the settings file and the hardware
profiles, so a value that is right in one file is right in the other.

An unknown key or a wrong type raises `ConfigError` naming the key (`http.port`), with a
suggestion for a likely typo.
"""

from __future__ import annotations

import types
import typing
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from kiosk.errors import ConfigError


def build_section(section: str, cls: type, values: dict[str, Any]) -> Any:
    """The dataclass `cls` from one TOML table, every value checked against its type hint."""
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for key, value in values.items():
        if key not in hints:
            raise ConfigError(f"{section}.{key}", f"unknown key{suggest(key, hints)}")
        kwargs[key] = coerce(f"{section}.{key}", hints[key], value)
    return cls(**kwargs)


def coerce(key: str, hint: Any, value: Any) -> Any:
    """Check `value` against the field's type hint and convert TOML values to it."""
    args = type_args(hint)
    if type(None) in args and value in ("", None):
        return None
    if Path in args:
        if isinstance(value, str | Path) and str(value):
            return Path(value)
        raise ConfigError(key, f"must be a path string, got {value!r}")
    origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(key, f"must be a list of strings, got {value!r}")
        return tuple(value)
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(key, f"must be a table, got {value!r}")
        return {k: coerce(f"{key}.{k}", typing.get_args(hint)[1], v) for k, v in value.items()}
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise ConfigError(key, f"must be true or false, got {value!r}")
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ConfigError(key, f"must be an integer, got {value!r}")
        try:
            return int(value)
        except ValueError:
            raise ConfigError(key, f"must be an integer, got {value!r}") from None
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(key, f"must be a number, got {value!r}")
        return float(value)
    if hint is str:
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
        raise ConfigError(key, f"must be a string, got {value!r}")
    raise ConfigError(key, f"unsupported value {value!r}")  # pragma: no cover - schema bug


def type_args(hint: Any) -> tuple[Any, ...]:
    """The members of a union hint (`Path | None` -> (Path, NoneType)), else the hint alone."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return typing.get_args(hint)
    return (hint,)


def suggest(name: str, known: Any) -> str:
    """ " (did you mean 'x'?)" for the closest known name, or nothing."""
    close = get_close_matches(name, list(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
