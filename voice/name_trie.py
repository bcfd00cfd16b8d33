"""Which of many names Whisper's decoder expects at a point of a sentence, read from the audio.

Scoring each station's name in full against the audio costs ~10 ms a name on two cores, so
the name check can afford a dozen, chosen by what Whisper wrote, and a name Whisper wrote as
unrelated words ("Is there an elevator at the station?" for "…at Sillim station?") is never
among them. Here every name is ranked at once, as a two-level walk of the names' token tree:
the distribution of the first token after the sentence so far (one decoder step) ranks every
name's first token; the `branches` likeliest first tokens each get one more step, which ranks
the second token of every name that starts with them (for a one-token name, the token that
follows it in the heard sentence). A name's rank is the sum of its two tokens' log-probabilities.
On held-out draw 3 of the spoken set, the name said was among the first four so ranked (four
branches) for 56 of 152 doubtful questions, and for 10 of the 52 whose shortlist had missed it;
the two steps cost ~40 and ~90 ms on two cores. The stations it adds did not end as more right
answers or offers, so the kiosk leaves it off (`kiosk.name_check.NAMES_HEARD`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

NextTokens = Callable[[Sequence[Sequence[int]]], list[np.ndarray | None]]
"""Log-probabilities of every next token after each token prefix (`OnePassWhisper.next_tokens`
with the audio bound), None where the decoder gave none."""


def rank_names(
    next_tokens: NextTokens,
    prefix: Sequence[int],
    names: Sequence[Sequence[int]],
    after: int,
    branches: int,
) -> np.ndarray:
    """Each of `names` (token ids)'s log-probability of its first two tokens after `prefix`;
    `after` is the token after a one-token name. -inf for a name whose first token is not
    among the `branches` likeliest, and for an empty name."""
    scores = np.full(len(names), -np.inf)
    [first] = next_tokens([list(prefix)])
    if first is None:
        return scores
    starts = sorted({name[0] for name in names if name}, key=lambda token: -first[token])
    taken = starts[:branches]
    second = dict(zip(taken, next_tokens([[*prefix, token] for token in taken]), strict=True))
    for i, name in enumerate(names):
        following = second.get(name[0]) if name else None
        if following is not None:
            scores[i] = first[name[0]] + following[name[1] if len(name) > 1 else after]
    return scores
