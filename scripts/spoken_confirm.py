"""The passenger's side of "Did you mean …?" for the spoken set (scripts/measure_spoken.py).

For every item the kiosk answered with a question, its recording is played again (the same
audio, so the kiosk asks the same) and the same synthetic speaker (same rate, same noise) then
replies the way a passenger would: "Yes." when the one station offered is the one they meant,
its name when it is one of several offered, "No." when only others are offered; to "Which
station?" the station's name ("This station." for the kiosk's).
The reply is judged from the offer's words and the CSV names, never from the kiosk's state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import spoken_set as ss
import spoken_set_ja

from voice.audio import SAMPLE_RATE, read_wav, write_wav
from voice.frames import mix_at_snr

PAUSE_S = 1.2
"""Between the question and the reply: the kiosk's question is spoken in between."""


def reply_text(offer: str, item: ss.Item, names: Any) -> str:
    """What the passenger says to the kiosk's `offer` ("Did you mean Sema or Seoul Station?"),
    or to its open "Which station do you mean?" (the name, or "This one." for the kiosk's own)."""
    if item.lang == "ja":
        return _reply_ja(offer, item, names)
    if not names.mentions(item.station_ko, offer):
        if names.others(item.station_ko, offer):
            return "No."
        return "This station." if item.station_ko == ss.HERE else f"{item.station_en} station."
    several = " or " in offer
    return f"{item.station_en}." if several else "Yes."


def _reply_ja(offer: str, item: ss.Item, names: Any) -> str:
    """The same in Japanese: はい, いいえ, the katakana name said back, or この駅です."""
    name = spoken_set_ja.said_name(item.station_ko) or ""
    others = names.others(item.station_ko, offer)
    if not names.mentions(item.station_ko, offer):
        if others:
            return "いいえ。"
        return "この駅です。" if item.station_ko == ss.HERE else f"{name}駅です。"
    return f"{name}です。" if others else "はい。"


def write_replies(rows: Sequence[Any], out_dir: Path, names: Any) -> list[tuple[ss.Item, str]]:
    """One WAV per asked-back item: its question, a pause, the reply. Returns (the item with
    its new WAV, the reply said)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for index, row in enumerate(rows):
        asked = [t for t, v in zip(row.turns, row.turn_verdicts, strict=True) if v == "clarify"]
        if not asked:
            continue
        item = row.item
        said = reply_text(asked[0].get("answer", ""), item, names)
        reply = ss.synthesise(item.speaker, said, item.rate)
        pause = np.zeros(int(PAUSE_S * SAMPLE_RATE), dtype=np.int16)
        tail = np.zeros(int(ss.TAIL_S * SAMPLE_RATE), dtype=np.int16)
        # The question exactly as the kiosk first heard it (noise included): the reply was
        # chosen for the offer made to that audio. A question rendered afresh under another
        # stretch of noise was heard differently for 39 of 147 items of draw 7 and drew
        # other offers, which the reply then did not fit ("Yes." to three names).
        question = read_wav(Path(item.wav), SAMPLE_RATE)[: -len(tail)]
        answer = np.concatenate([pause, reply, tail])
        if item.noisy:  # the fan goes on under the reply, at the same SNR
            fan = np.roll(ss.noise(), index * 7919 + len(question))
            answer = mix_at_snr(answer, fan, ss.SNR_DB)
        audio = np.concatenate([question, answer])
        wav = out_dir / f"{item.id}-reply.wav"
        write_wav(wav, audio)
        made.append((replace(item, wav=str(wav)), said))
    return made
