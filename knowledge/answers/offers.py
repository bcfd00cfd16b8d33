"""The kiosk's one question back: "Did you mean Yeouido?", and the passenger's reply to it.

The voice offers stations when it is unsure which one it heard (`kiosk.name_check`). The reply
is yes (one station offered), no, or a name: among two or three offered names, even a poorly
heard one is told apart. Anything else is a new question, or, when short and no subway
question, a reply the kiosk cannot read (the staff). The question is asked once: the offer
lives in the conversation for one turn (`Context.offered`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import languages
from knowledge.answers.lexicon import lexicon
from knowledge.answers.question_text import matches, normalise, says_here
from knowledge.answers.templates import join_or, say
from knowledge.answers.types import Context, Intent, Offer
from knowledge.textnorm import latin_key, name_key, similarity

if TYPE_CHECKING:
    from knowledge.answers.understand import Understood

DECLINED = "declined"
"""The passenger picked none of the offered stations: a no, or a bare yes to several."""
SHORT_REPLY_WORDS = 4
"""A yes or no is a short reply; a longer one is a new question that happens to hold "no"."""
SHORT_REPLY_CHARS = 8
"""The same for languages written without spaces."""
NAME_LIKENESS = 0.7
"""How alike (spelling-insensitive key) a reply must be to an offered name to pick it. At 0.6
an unsure fragment "Gang" picked Gangil (0.67) where the passenger said Galmae."""


def confirmation(offers: Sequence[Offer], lang: str) -> str:
    """ "Did you mean Yeouido, Oido or Mapo?" in the passenger's language."""
    return say("confirm", lang, options=join_or([o.name for o in offers], lang))


def declines(question: str, lang: str) -> bool:
    """A short no: "No.", "아니요", "不是", "いいえ"."""
    text = _short_reply(question, lang)
    return text is not None and bool(matches(text, lang, lexicon().cues["no"]))


def affirms(question: str, lang: str) -> bool:
    """A short yes: "Yes.", "네", "是的", "はい"."""
    text = _short_reply(question, lang)
    return text is not None and bool(matches(text, lang, lexicon().cues["yes"]))


def unreadable_reply(
    question: str,
    lang: str,
    offered: Sequence[Offer],
    understood: Understood,
    context: Context | None = None,
) -> bool:
    """A short reply to "Did you mean …?" or "Which station do you mean?" that is no yes, no,
    name or subway question ("So?" for "Sau.", "Distration" for "This station."): the kiosk
    points to the staff (it asks once), not "I can only help with the subway". Call it only
    when `reply_to_offer` found no reply."""
    return (
        (bool(offered) or (context is not None and context.asked))
        and short_reply(question, lang)
        and not understood.stations
        and understood.intent in (Intent.OUT_OF_SCOPE, Intent.UNKNOWN)
    )


def not_a_reply(
    question: str,
    lang: str,
    offered: Sequence[Offer],
    understood: Understood,
    context: Context | None = None,
) -> bool:
    """What follows the kiosk's question back and cannot be taken as the reply: unreadable
    (`unreadable_reply`), or a question answered for here without saying so, which is the
    rest of the passenger's sentence (a slow "ヨンジョン駅は … 何号線ですか" was cut at the
    pause, and the second part got the kiosk's own station's lines). Both point to the staff,
    never to an answer for here."""
    if unreadable_reply(question, lang, offered, understood, context):
        return True
    asked = bool(offered) or (context is not None and context.asked)
    return asked and here_unsaid(understood, question)


def here_unsaid(understood: Understood, question: str) -> bool:
    """The answer would be about the kiosk's own station only because none was named: no
    station and no unknown place in the question, an intent answered for a station, and no
    word that says here (`says_here`)."""
    return (
        not understood.stations
        and not understood.unresolved_place
        and understood.intent not in _NOT_ABOUT_A_STATION
        and not says_here(question, understood.lang)
    )


_NOT_ABOUT_A_STATION = (Intent.UNKNOWN, Intent.OUT_OF_SCOPE, Intent.REFUSED, Intent.REPEAT)


def reply_to_offer(question: str, lang: str, offered: Sequence[Offer], kb: Any) -> str | None:
    """The question to answer when `question` replies to an offer: the offered reading it
    picks, `DECLINED`, or None when it is not a reply (or nothing was offered)."""
    if not offered:
        return None
    named = _named(question, lang, offered, kb)
    if named is not None:
        return named.question
    if declines(question, lang) or _inside_an_offer(question, lang, offered, kb):
        return DECLINED
    if affirms(question, lang):
        # A bare yes to "Sanghyeon or Giheung?" picks neither; the kiosk does not ask twice.
        return offered[0].question if len(offered) == 1 else DECLINED
    return None


def short_reply(question: str, lang: str) -> bool:
    """Short enough to be a yes, a no or a name, not a new question."""
    return _short_reply(question, lang) is not None


def _short_reply(question: str, lang: str) -> str | None:
    """The reply folded for matching, when short enough to be a yes or no; else None."""
    language = languages.get(lang)
    text = language.reply_fold(language.fold(normalise(question)))
    words = len(text.split()) if language.word_spaced else len(text)
    limit = SHORT_REPLY_WORDS if language.word_spaced else SHORT_REPLY_CHARS
    return text if words <= limit else None


def _named(question: str, lang: str, offered: Sequence[Offer], kb: Any) -> Offer | None:
    """The offered station the reply names: by likeness of its words (Latin script), else by
    the name search."""
    if (offer := likeliest_offer(question, lang, offered)) is not None:
        return offer
    keys = {o.station: o for o in offered}
    for match in kb.find_stations(question, lang):
        if match.complex.key in keys:
            return keys[match.complex.key]
    return None


def _inside_an_offer(question: str, lang: str, offered: Sequence[Offer], kb: Any) -> bool:
    """A short reply naming a station that is part of an offered name: "City Hall." to
    "Uijeongbu City Hall or Uijeongbu?" (Whisper kept the part it knows) or "Samyang." to
    "Samyang Sageori or Mia?" (the passenger corrects the kiosk). Either is as likely, so
    neither is answered."""
    if _short_reply(question, lang) is None:
        return False
    names = [name_key(o.name) for o in offered]
    found = kb.find_stations(question, lang)
    return any(name_key(m.complex.name(lang)) in name for m in found for name in names)


def likeliest_offer(question: str, lang: str, offered: Sequence[Offer]) -> Offer | None:
    """The offered name the whole reply is most like, when clearly (a hard name is easy among
    few, and "Yujongbu City Hall" is Uijeongbu City Hall, not the City Hall inside it); None
    for a reply in a script without Latin keys or sounds, or like none or several of them."""
    language = languages.get(lang)
    if language.said_sound is not None:  # Japanese: "トンデムンです。", "どんでもです"
        heard = language.said_sound(normalise(question))
        keys = [language.said_sound(o.name) for o in offered]
    else:
        words = [w for w in normalise(question).split() if w not in language.common_words]
        heard = latin_key(" ".join(words))
        keys = [latin_key(o.name) for o in offered]
    if not heard or not heard.isascii():
        return None
    scored = sorted(
        ((similarity(heard, key), o) for key, o in zip(keys, offered, strict=True)), key=_first
    )
    best_score, best = scored[-1]
    runner_up = scored[-2][0] if len(scored) > 1 else 0.0
    return best if best_score >= NAME_LIKENESS and best_score > runner_up else None


def _first(pair: tuple[float, Offer]) -> float:
    return pair[0]
