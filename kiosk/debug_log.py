"""Debug recordings: passenger audio, transcripts and answers on disk, only when asked for.

A kiosk in service keeps nothing a passenger said (`privacy.debug = false`, the default, and
then this module is never constructed). An engineer chasing a recognition problem turns the
flag on for a while; every turn then leaves one JSON line in `DATA_DIR/debug/turns.jsonl` and
its utterance as a WAV in `DATA_DIR/debug/audio/`. Both are capped: the JSONL rotates into
`turns.jsonl.1` ... `.N`, and the oldest WAVs are deleted past a byte budget, so a forgotten
flag cannot fill the disk.
"""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voice.audio import write_wav

logger = logging.getLogger(__name__)

JSONL = "turns.jsonl"


class DebugRecorder:
    """Writes one record per turn; never raises (a full disk must not cost a passenger a turn)."""

    def __init__(
        self,
        folder: Path,
        *,
        max_jsonl_bytes: int = 5_000_000,
        keep_rotated: int = 3,
        max_audio_bytes: int = 200_000_000,
    ) -> None:
        self.folder = Path(folder)
        self.audio_dir = self.folder / "audio"
        self.max_jsonl_bytes = max_jsonl_bytes
        self.keep_rotated = keep_rotated
        self.max_audio_bytes = max_audio_bytes
        self._lock = threading.Lock()
        self._seq = 0
        logger.warning("debug recording ON: passenger audio and transcripts go to %s", folder)

    def record(self, audio: bytes | None, result: Any) -> None:
        """Keep `audio` (16 kHz mono PCM) and what the turn heard and answered."""
        try:
            with self._lock:
                self._record(audio, result)
        except OSError as err:
            logger.warning("debug recording failed: %s", err.strerror or err)

    def _record(self, audio: bytes | None, result: Any) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._seq += 1
        now = datetime.now(UTC)
        wav = None
        if audio:
            self.audio_dir.mkdir(exist_ok=True)
            # One clock for the whole name, so names sort oldest first and pruning removes the
            # oldest (seconds from the wall clock and a suffix from another clock did not).
            wav = self.audio_dir / f"{now:%Y%m%dT%H%M%S}-{now.microsecond:06d}-{self._seq:06d}.wav"
            write_wav(wav, audio)
            self._prune_audio()
        entry = {
            "at": now.isoformat(timespec="milliseconds"),
            "transcript": result.transcript,
            "language": result.language,
            "outcome": result.outcome,
            "answer": result.answer,
            "rejected_reason": result.rejected_reason,
            "timings_ms": {k: round(v, 1) for k, v in result.timings_ms.items()},
            "audio": wav.name if wav else None,
        }
        path = self.folder / JSONL
        if path.exists() and path.stat().st_size > self.max_jsonl_bytes:
            self._rotate(path)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def _rotate(self, path: Path) -> None:
        oldest = path.with_name(f"{JSONL}.{self.keep_rotated}")
        oldest.unlink(missing_ok=True)
        for n in range(self.keep_rotated - 1, 0, -1):
            older = path.with_name(f"{JSONL}.{n}")
            if older.exists():
                older.rename(path.with_name(f"{JSONL}.{n + 1}"))
        path.rename(path.with_name(f"{JSONL}.1"))

    def _prune_audio(self) -> None:
        files = sorted(self.audio_dir.glob("*.wav"))
        total = sum(f.stat().st_size for f in files)
        while files and total > self.max_audio_bytes:
            oldest = files.pop(0)
            total -= oldest.stat().st_size
            oldest.unlink(missing_ok=True)
