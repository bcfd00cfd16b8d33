"""The bundled Whisper tokenizer lacks its first merge ("Ġ t"); the kiosk repairs it in memory,
so every text it encodes (the prompt, scored readings, the sentence start runners-up continue
from) is cut into the tokens Whisper was trained on."""

from __future__ import annotations

import json

import pytest
import tokenizers

from voice.whisper_tokenizer import missing_merges, repaired


def _bpe(merges: list[str]) -> tokenizers.Tokenizer:
    """A tiny byte-level BPE in the layout of Whisper's: bytes first, then one token per merge."""
    alphabet = tokenizers.pre_tokenizers.ByteLevel.alphabet()
    vocab = {ch: i for i, ch in enumerate(sorted(alphabet, key=lambda c: ord(c)))}
    for merge in ["Ġ t", "Ġt o", "h e", "Ġt he"]:
        vocab["".join(merge.split(" "))] = len(vocab)
    spec = {
        "version": "1.0",
        "added_tokens": [],
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True},
        "model": {"type": "BPE", "vocab": vocab, "merges": merges},
    }
    return tokenizers.Tokenizer.from_str(json.dumps(spec))


def test_a_missing_merge_is_found_at_its_rank() -> None:
    vocab = {chr(c): c for c in range(256)} | {"ab": 256, "abc": 257}
    assert missing_merges(vocab, ["ab c"], first_special=258) == [(0, "a b")]
    assert missing_merges(vocab, ["a b", "ab c"], first_special=258) == []


def test_words_starting_with_t_are_one_token_again() -> None:
    broken = _bpe(["Ġt o", "h e", "Ġt he"])  # the first merge, "Ġ t", is lost
    assert broken.encode(" to").tokens == ["Ġ", "t", "o"]
    fixed = repaired(broken)
    assert fixed.encode(" to").tokens == ["Ġto"]
    assert fixed.encode(" the").tokens == ["Ġthe"]
    assert fixed.decode(fixed.encode(" to the").ids) == " to the"


def test_a_whole_tokenizer_is_left_alone() -> None:
    whole = _bpe(["Ġ t", "Ġt o", "h e", "Ġt he"])
    assert repaired(whole) is whole


@pytest.mark.models
def test_the_kiosks_whisper_encodes_as_whisper_writes(transcriber) -> None:
    model = transcriber._ensure_model().model
    # What Whisper itself writes for " How do I go to the": one token per word.
    assert model.hf_tokenizer.encode(" How do I go to the", add_special_tokens=False).ids == [
        1012, 360, 286, 352, 281, 264,
    ]  # fmt: skip
