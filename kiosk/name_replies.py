"""The passenger's reply to the kiosk's "Did you mean …?", checked against its audio where
the words alone could be wrong (`kiosk.name_check.NameChecker.choose`).

A reply is yes, no or one of the offered names. Whisper hears a short reply less surely than a
question, and under the offered names' prompt it writes them exactly whatever was said, so a
name said back among several is answered only when the audio agrees, a short reply to one
offered name that its words do not settle is yes or no by the audio, and anything else the
kiosk cannot make sure of points to the staff: the kiosk asks once.
"""

from __future__ import annotations

from typing import Any

from kiosk.heard_words import names_apart
from kiosk.name_decision import NameCheck
from kiosk.name_neighbours import Scorer
from knowledge.answers.offers import (
    affirms,
    declines,
    likeliest_offer,
    reply_to_offer,
    short_reply,
    unreadable_reply,
)
from knowledge.answers.types import Offer
from knowledge.textnorm import spelled_out
from voice.stt_guards import Transcript

REPLY_MARGIN = 5.0
"""Nats by which the offered name a reply's words pick must lead the other offered names, each
scored as the whole reply against its audio (`ReplyChecker._heard_alike`). Replies said by the
spoken set's speakers led by 5-62 nats (one by 2.2); the demo's Piper "Hongik University."
favoured Hanyang University by 2.0 and, once written "Hanhwick University.", by 3.5 (3 had
been the margin). A reply written exactly as an offered name is no surer: under the offered
names' prompt Whisper writes them exactly, and a 1-nat lead for such replies had `make
demo`'s "Hongik University." answered as Hanyang Univ."""


REPLIES: dict[str, tuple[str, str, str]] = {
    "en": ("Yes.", "{name}.", "No."),
    "ja": ("はい。", "{name}です。", "いいえ。"),
}
"""Yes, a name said back and no, as each language's replies are scored against the audio: the
languages whose replies the kiosk checks (Whisper hears "はい" from a voice it does not know
as "はーい", "ハイル" or below its guard)."""


class ReplyChecker:
    """Replies checked against their audio with `scorer` (the kiosk's Whisper) and read with
    `understander` (`knowledge.answers.understand.Understander`)."""

    def __init__(self, scorer: Scorer, understander: Any) -> None:
        self.scorer = scorer
        self.understander = understander

    def choose(self, transcript: Transcript, offered: tuple[Offer, ...]) -> NameCheck:
        """A reply to "Did you mean A, B or C?" Whisper wrote too unsurely to pass its guards
        still counts when its words are clearly most like one offered name ("Jip your yang"
        for Jipyeong) or say no; the answerer then reads it as any reply. The audio does not
        choose among names here: on a held-out draw of the spoken set, scoring the offered
        names against the reply turned "No." and "Galmae." into answers about Moran and Guil.
        A sure reply naming one of several is checked against the audio (`_heard_alike`). To
        one offered name, a short reply whose words do not settle it ("ES", or an unsure
        "Yes.") is yes or no by the audio (`_yes_or_no`). Other words Whisper was unsure of
        point to the staff: the passenger did reply, and waiting in silence for a second
        reply left `make demo` hanging."""
        text, lang = transcript.text, transcript.language
        words = transcript.ok or transcript.rejected_reason == "low-confidence"
        if len(offered) == 1 and words and self._unsettled(transcript, offered):
            return self._yes_or_no(transcript, offered[0])
        if transcript.ok:
            return self._heard_alike(transcript, offered)
        if likeliest_offer(text, lang, offered) is None and not declines(text, lang):
            # Only words Whisper wrote unsurely; noise taken for speech stays unanswered.
            return NameCheck(text, rescored=words, unheard=words)
        return NameCheck(text, rescored=True)

    def _unsettled(self, transcript: Transcript, offered: tuple[Offer, ...]) -> bool:
        """A short reply whose words neither answer the offer nor ask a subway question."""
        text, lang, kb = transcript.text, transcript.language, self.understander.kb
        if transcript.encoded is None or not short_reply(text, lang):
            return False
        if not transcript.ok:
            return True
        understood = self.understander.understand(text, lang, None)
        return reply_to_offer(text, lang, offered, kb) is None and unreadable_reply(
            text, lang, offered, understood
        )

    def _yes_or_no(self, transcript: Transcript, offer: Offer) -> NameCheck:
        """Yes or no to one offered name, by the audio: "Yes." or the name said back must
        lead "No." by `REPLY_MARGIN`, or "No." lead them; else the staff. Said by the spoken
        set's nine speakers, clean and in noise, "No." led by 3.7-11.6 nats; "Yes." led by
        1.4-12.4 (written "ES": 11.6; written "Nice": 1.4 and 3.9, to the staff)."""
        yes, name_said, no = REPLIES[transcript.language]
        said = [yes, name_said.format(name=spelled_out(offer.name)), no]
        yes, name, no = self.scorer.score_readings(transcript, transcript.language, said)
        lead = max(yes, name) - no
        if abs(lead) < REPLY_MARGIN:
            return NameCheck(transcript.text, rescored=True, unheard=True)
        return NameCheck("Yes." if lead > 0 else "No.", rescored=True)

    def _heard_alike(self, transcript: Transcript, offered: tuple[Offer, ...]) -> NameCheck:
        """A name said back among several offered is answered only when the audio agrees with
        the words: `kiosk demo`'s "Hongik University." to "Anguk, Hanyang Univ. or Hongik
        Univ.?" was written "Hanuk University." and answered as Hanyang University. Each
        offered name is scored as the whole reply; unless the one the words pick leads by
        `REPLY_MARGIN` and the reply's words name it by what sets it apart from the others
        ("Hanik University." names neither Hanyang nor Hongik University), the kiosk points
        to the staff (it does not ask twice). Whisper's reading again without the prompt is
        no proof: "Bomun." was written "Daman" both times (Dasan), and a fresh clone's demo
        wrote "Hanik" and took Hanyang by both. A name said back to one offer is checked
        against "No." the same way; a yes is not."""
        text, lang = transcript.text, transcript.language
        if transcript.encoded is None or affirms(text, lang):
            return NameCheck(text)
        kb = self.understander.kb
        picked = reply_to_offer(text, lang, offered, kb)
        chosen = next((i for i, o in enumerate(offered) if o.question == picked), None)
        if chosen is None:
            return NameCheck(text)  # a no, or a new question: the answerer reads it
        # "No." is a reading too: under the offered names' prompt it was written as one of them.
        _, name_said, no = REPLIES[lang]
        said = [*(name_said.format(name=spelled_out(o.name)) for o in offered), no]
        scores = self.scorer.score_readings(transcript, lang, said)
        lead = scores[chosen] - max(score for i, score in enumerate(scores) if i != chosen)
        names = [o.name for o in offered]
        agreed = lead >= REPLY_MARGIN and names_apart(text, lang, names[chosen], names)
        return NameCheck(text, rescored=True, unheard=not agreed)
