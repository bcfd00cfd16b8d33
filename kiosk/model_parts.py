"""Model files shipped as installed packages, some in numbered parts joined on first use.

PyPI caps a file's size, so bigger models come as several packages each holding one part
(Whisper base in two halves, the optional Qwen LLMs in 6 and 22). `join_parts` concatenates
them in order into the data cache and accepts the result only when its sha256 is the pinned
one; a part that differs from its own pin is named, so the operator knows which to reinstall.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import tempfile
from pathlib import Path

from kiosk.errors import ModelError
from kiosk.model_pins import check_files, raise_if_corrupt

logger = logging.getLogger(__name__)


def package_dir(package: str) -> Path | None:
    """The installed folder of `package`, without importing it (imports can be heavy)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def join_parts(
    parts: list[tuple[str, Path]], target: Path, expected_sha256: str, reinstall: str
) -> Path:
    """Concatenate the (pin group, path) `parts` in order into `target`, held to
    `expected_sha256`; `reinstall` tells the operator what to reinstall when it differs."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    # Write to a temporary name and rename, so a killed join never leaves a half model.
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as out:
        for _, part in parts:
            with part.open("rb") as chunk_file:
                while chunk := chunk_file.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    if digest.hexdigest() != expected_sha256:
        os.unlink(out.name)
        raise_if_corrupt(check_files(parts))  # names the part that differs, when one does
        raise ModelError(
            "model-corrupt",
            f"joined {target.name} has sha256 {digest.hexdigest()}, "
            f"expected {expected_sha256}: reinstall {reinstall}",
        )
    os.replace(out.name, target)
    logger.info("joined %d parts into %s", len(parts), target)
    return target
