"""Every station name ranked at once by the decoder's next-token probabilities
(`voice.name_trie`): a fast test of the walk over a scripted decoder, and the real Whisper
hearing a flite voice (one the kiosk never speaks with)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.voice.audio_helpers import flite_say
from voice.name_trie import rank_names

VOCAB = 10
END = 9


def _decoder(table: dict[tuple[int, ...], dict[int, float]]):
    """Next-token log-probabilities by prefix; unknown tokens are very unlikely."""
    asked: list[list[int]] = []

    def next_tokens(prefixes):
        asked.extend(list(p) for p in prefixes)
        found = []
        for prefix in prefixes:
            if tuple(prefix) not in table:
                found.append(None)
                continue
            row = np.full(VOCAB, -20.0)
            for token, logp in table[tuple(prefix)].items():
                row[token] = logp
            found.append(row)
        return found

    return next_tokens, asked


def test_names_are_ranked_by_their_first_two_tokens() -> None:
    prefix = (7,)
    table = {
        prefix: {1: -0.5, 2: -1.0, 3: -4.0},
        (7, 1): {4: -0.1, 5: -3.0, END: -2.0},
        (7, 2): {4: -2.0},
    }
    next_tokens, asked = _decoder(table)
    names = [[1, 4], [1, 5, 6], [2, 4], [3, 4], [1]]
    scores = rank_names(next_tokens, prefix, names, after=END, branches=2)
    assert scores[0] == pytest.approx(-0.6)
    assert scores[1] == pytest.approx(-3.5)
    assert scores[2] == pytest.approx(-3.0)
    assert scores[3] == -math.inf  # its first token was not followed (2 branches)
    assert scores[4] == pytest.approx(-2.5)  # a one-token name, then what followed it
    assert asked == [[7], [7, 1], [7, 2]]  # one step, then one batch of two


def test_no_step_from_the_decoder_ranks_nothing() -> None:
    next_tokens, _ = _decoder({})
    scores = rank_names(next_tokens, (7,), [[1, 4], []], after=END, branches=4)
    assert list(scores) == [-math.inf, -math.inf]


@pytest.mark.models
def test_whisper_expects_the_station_said(transcriber, real_kb) -> None:
    from knowledge.textnorm import spelled_out

    said = sorted({spelled_out(cx.names["en"]) for cx in real_kb.complexes() if cx.names.get("en")})
    pad = np.zeros(6400, dtype=np.int16)
    audio = np.concatenate([pad, flite_say("How do I get to Sillim station?", "slt"), pad, pad])
    heard = transcriber.transcribe(audio, "en")
    scores = transcriber.rank_names(heard, "How do I get to", "station?", said, 4)
    best = [said[i] for i in np.argsort(scores)[::-1][:4]]
    assert "Sillim" in best, (heard.text, best)
    assert transcriber.rank_names(heard, "How do I get to", "station?", said, 4) == scores
