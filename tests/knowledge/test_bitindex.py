"""The sign-bit index against a brute-force Hamming distance."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.bitindex import SignBitIndex, sign_bits


def test_sign_bits_pack_one_bit_per_dimension_little_endian() -> None:
    v = np.zeros(64, np.float32)
    v[[0, 9, 63]] = 1.0
    v[1] = -1.0
    bits = sign_bits(v)[0]
    assert bits.shape == (8,)
    assert bits[0] == 0b1 and bits[1] == 0b10 and bits[7] == 0b1000_0000


def test_nearest_matches_brute_force_hamming() -> None:
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((500, 384)).astype(np.float32)
    ids = np.arange(1000, 1500)
    index = SignBitIndex(ids, sign_bits(vectors))
    query = rng.standard_normal(384).astype(np.float32)
    expected = np.count_nonzero((vectors > 0) != (query > 0), axis=1)
    got = index.nearest(query, 20)
    assert len(got) == 20 and len(set(got)) == 20
    distances = [expected[i - 1000] for i in got]
    assert distances == sorted(distances)
    assert max(distances) <= np.sort(expected)[19]  # no nearer row was left out


def test_a_planted_copy_is_found_first_and_small_indexes_return_everything() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((50, 128)).astype(np.float32)
    index = SignBitIndex.from_rows(
        [(i + 1, sign_bits(v)[0].tobytes()) for i, v in enumerate(vectors)]
    )
    assert index.nearest(vectors[17] * 0.5, 1) == [18]
    assert sorted(index.nearest(vectors[0], 500)) == list(range(1, 51))
    assert SignBitIndex.from_rows([]).nearest(vectors[0], 5) == []


def test_dimensions_must_fill_64_bit_words() -> None:
    with pytest.raises(ValueError, match="multiple of 64"):
        SignBitIndex(np.arange(2), sign_bits(np.ones((2, 40), np.float32)))
