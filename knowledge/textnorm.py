"""Text keys for station names: Hangul jamo, a romanisation, and a spelling-insensitive Latin key.

Speech recognisers and passengers spell the same name many ways (Gangnam/Kangnam, Sinchon/Shinchon,
Hongik Univ./Hongik University). We compare on keys that erase those differences instead of
listing variants per station.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

from languages.zh.script import to_simplified

_CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_JONG = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]
_RR_CHO = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "-",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_RR_JUNG = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_RR_JONG = [
    "",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]

_HANGUL_BASE, _HANGUL_END = 0xAC00, 0xD7A3


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def is_hangul(ch: str) -> bool:
    return _HANGUL_BASE <= ord(ch) <= _HANGUL_END


def jamo(text: str) -> str:
    """Decompose syllables into jamo so one misheard consonant costs one edit, not a syllable."""
    out: list[str] = []
    for ch in text:
        if is_hangul(ch):
            idx = ord(ch) - _HANGUL_BASE
            out.append(_CHO[idx // 588])
            out.append(_JUNG[(idx % 588) // 28])
            if idx % 28:
                out.append(_JONG[idx % 28])
        else:
            out.append(ch)
    return "".join(out)


def romanize(text: str) -> str:
    """Revised Romanisation without sound-change rules; good enough once `latin_key` is applied."""
    out: list[str] = []
    for ch in text:
        if is_hangul(ch):
            idx = ord(ch) - _HANGUL_BASE
            cho = _RR_CHO[idx // 588]
            out.append("" if cho == "-" else cho)
            out.append(_RR_JUNG[(idx % 588) // 28])
            out.append(_RR_JONG[idx % 28])
        elif ch.isascii() and ch.isalnum():
            out.append(ch.lower())
    return "".join(out)


_ABBREV = [
    (r"\buniv\b\.?", "university"),
    (r"\bint'?l\b\.?|\bintl\b\.?", "international"),
    (r"\bnat'?l\b\.?", "national"),
    (r"\bstn\b\.?", "station"),
    (r"\bcomplex\b", "complex"),
]
_LATIN_RULES = [
    ("tch", "j"),
    ("ch", "j"),
    ("jj", "j"),
    ("sh", "s"),
    ("ss", "s"),
    ("kk", "g"),
    ("ck", "g"),
    ("k", "g"),
    ("pp", "b"),
    ("p", "b"),
    ("tt", "d"),
    ("t", "d"),
    ("r", "l"),
    ("ph", "b"),
    ("f", "b"),
    ("v", "b"),
    ("c", "g"),
    ("q", "g"),
    ("x", "s"),
    ("z", "j"),
    ("wo", "o"),
    ("eo", "o"),
    ("eu", "o"),
    ("ou", "o"),
    ("oo", "o"),
    ("u", "o"),
    ("w", ""),
    ("ae", "e"),
    ("ai", "e"),
    ("ay", "e"),
    ("ee", "i"),
    ("ie", "i"),
    ("ea", "i"),
    ("y", "i"),
    ("ui", "i"),
    ("oi", "o"),
    ("h", ""),
]


def latin_words(text: str) -> str:
    """Lower-case Latin text with common abbreviations spelled out and punctuation removed."""
    t = text.replace("’", "'").replace("`", "'")  # before the ASCII fold drops ’
    t = unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode().lower()
    for pat, rep in _ABBREV:
        t = re.sub(pat, rep, t)
    return re.sub(r"[^a-z0-9]+", " ", t).strip()


def spelled_out(name: str) -> str:
    """A Latin name as it is said, case kept: "Hongik Univ." -> "Hongik University"."""
    out = name.replace("’", "'").replace("`", "'")
    for pat, rep in _ABBREV:
        out = re.sub(pat, lambda m, rep=rep: rep.title() if m.group(0)[0].isupper() else rep,
                     out, flags=re.IGNORECASE)  # fmt: skip
    return out


def latin_key(text: str) -> str:
    """Spelling-insensitive key: k/g, p/b, t/d, ch/j, r/l, eo/o/u, ae/e merged, no doubles."""
    t = latin_words(text).replace(" ", "")
    for src, dst in _LATIN_RULES:
        t = t.replace(src, dst)
    return re.sub(r"(.)\1+", r"\1", t)


def levenshtein(a: str | list[str], b: str | list[str], limit: int | None = None) -> int:
    """Edit distance over characters (or words, given lists); returns limit+1 once it exceeds
    `limit`. rapidfuzz computes it in C++: a mis-heard name is compared with every station
    key, and the pure-Python loop cost ~0.2 ms a pair (~0.5 s per question)."""
    return Levenshtein.distance(a, b, score_cutoff=limit)


def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """1 - edit distance / the longer length, in [0, 1]; 0.0 when below `floor` (cheaper)."""
    if not a or not b:
        return 0.0
    return Levenshtein.normalized_similarity(a, b, score_cutoff=floor)


def name_key(text: str) -> str:
    """Exact-match key: NFKC, lower case, spaces and punctuation removed (keeps Hangul/CJK)."""
    t = to_simplified(unicodedata.normalize("NFKC", text).lower())  # 鐘路 matches 钟路
    t = t.replace("’", "'").replace("`", "'")
    return nfc(re.sub(r"[\s\-–·.,'()\[\]/]+", "", t))


def is_kana(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff"


def kana_key(text: str) -> str:
    """Voicing-insensitive katakana key: Whisper often hears カンナム as ガンナム, and Japanese
    station names are written either way in hiragana or katakana. Long-vowel marks dropped."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if ch in "\u3099\u309a\u30fc":  # (han)dakuten combining marks, long vowel mark
            continue
        if "\u3041" <= ch <= "\u3096":
            ch = chr(ord(ch) + 0x60)  # hiragana -> katakana
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))
