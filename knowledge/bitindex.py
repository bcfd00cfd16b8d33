"""Sign-bit index for network-wide vector search at a million facts.

sqlite-vec's k-NN is a brute-force scan costing ~1 us a row for float vectors and ~0.4 us for
bit vectors (measured on 2 cores: 100 ms and 40 ms at 100,000 rows), too slow for a million.
Keeping one sign bit per dimension in memory (48 bytes a fact, 48 MB at a million) and
scanning it with numpy takes ~20 ms; the nearest candidates by Hamming distance are then
re-ranked by exact cosine from vec0, so the result is exact wherever a true neighbour is
among the candidates.
"""

from __future__ import annotations

import numpy as np

WORD_BITS = 64
EXACT_SCAN_LIMIT = 20_000
"""Up to this many facts vec0's exact scan takes <= ~20 ms network-wide; above, the sign-bit
index (knowledge/search.py)."""


def sign_bits(vectors: np.ndarray) -> np.ndarray:
    """One bit per dimension (set where the value is positive), packed little-endian per byte:
    rows of dim/8 bytes."""
    return np.packbits(np.atleast_2d(vectors) > 0, axis=1, bitorder="little")


class SignBitIndex:
    """Fact ids and their sign bits, stored as one uint64 array per 64 dimensions: scanning a
    column at a time keeps the XOR + popcount in cache (3x faster than row-major)."""

    def __init__(self, fact_ids: np.ndarray, bits: np.ndarray) -> None:
        if bits.shape[1] % (WORD_BITS // 8):
            raise ValueError(f"sign bits of {bits.shape[1] * 8} dimensions: need a multiple of 64")
        self.fact_ids = fact_ids.astype(np.int64)
        self._columns = np.ascontiguousarray(np.ascontiguousarray(bits).view(np.uint64).T)

    def __len__(self) -> int:
        return len(self.fact_ids)

    @property
    def nbytes(self) -> int:
        return self._columns.nbytes + self.fact_ids.nbytes

    @classmethod
    def from_rows(cls, rows: list[tuple[int, bytes]]) -> SignBitIndex:
        if not rows:
            return cls(np.zeros(0, np.int64), np.zeros((0, 8), np.uint8))
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        bits = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.uint8)
        return cls(ids, bits.reshape(len(rows), -1))

    def nearest(self, query: np.ndarray, n: int) -> list[int]:
        """Fact ids of the `n` rows nearest to `query` by Hamming distance, nearest first."""
        if not len(self):
            return []
        q = sign_bits(np.asarray(query, dtype=np.float32))[0].view(np.uint64)
        distance = np.bitwise_count(self._columns[0] ^ q[0]).astype(np.uint16)
        scratch = np.empty_like(self._columns[0])
        for column, word in zip(self._columns[1:], q[1:], strict=True):
            np.bitwise_xor(column, word, out=scratch)
            distance += np.bitwise_count(scratch)
        n = min(n, len(distance))
        top = np.argpartition(distance, n - 1)[:n]
        top = top[np.argsort(distance[top], kind="stable")]
        return self.fact_ids[top].tolist()
