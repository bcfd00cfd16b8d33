"""A made-up fifth language (Esperanto, "eo"), declared the way a real one is, for tests."""

from __future__ import annotations

import re

import languages
from knowledge.answers.templates import TEMPLATE_KEYS

_ONES = ("nul", "unu", "du", "tri", "kvar", "kvin", "ses", "sep", "ok", "naŭ")


def eo_number(n: int) -> str:
    """0-999 in Esperanto words (dek, dudek tri, cent); larger numbers digit by digit."""
    if n >= 1000:
        return " ".join(_ONES[int(d)] for d in str(n))
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    words = []
    if hundreds:
        words.append(("" if hundreds == 1 else _ONES[hundreds]) + "cent")
    if tens:
        words.append(("" if tens == 1 else _ONES[tens]) + "dek")
    if ones or not words:
        words.append(_ONES[ones])
    return " ".join(words)


def _normalize_eo(text: str) -> str:
    return re.sub(r"\d+", lambda m: eo_number(int(m[0])), text)


_TEMPLATES = {key: f"[{key}]" for key in TEMPLATE_KEYS} | {
    "lines": "Al la stacio {station} venas {lines}.",
    "no_information": "Pardonu, mi ne havas tiun informon.",
}

ESPERANTO = languages.Language(
    code="eo",
    name="Esperanto",
    native_name="Esperanto",
    scripts=("latin",),
    whisper="eo",
    espeak_voice="eo",
    word_spaced=True,
    normalize=_normalize_eo,
    read_number=eo_number,
    sentence_end=re.compile(r"(?<=[.!?])\s+"),
    templates=_TEMPLATES,
    keywords={"lines": (r"kiuj linioj", r"\blinio"), "toilet": (r"necesejo",)},
    cues={"in_scope": (r"stacio",)},
    patterns={
        "station_mark": r"\bstacio\s+(\w{3,})",
        "destination": r"\bal\s+(.+?)\s*[?.!]*$",
        "numbered_line": r"linio\s*(\d{1,2})\b",
        "exit_number": r"elirejo\s*(\d{1,2})\b",
    },
    keyword_matching="word-regex",
    join=(", ", " kaj "),
    kind_words={"exit": "elirejo", "toilet": "necesejo"},
    sample="Saluton",
)
