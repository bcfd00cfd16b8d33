"""Korean names in katakana, for the Japanese voice when the data has no kana name.

Seoul's Japanese station names are katakana readings of the Korean (강남 カンナム); where the
source gives only kanji copied from Chinese (대화 大化) or nothing (동탄), a Japanese voice
would read the kanji the Japanese way (たいか) or spell the English letter by letter. This
writes the Korean sounds in katakana by the conventions the source's own names follow:
plain stops voiced between voiced sounds (임진강 イムジンガン), a final stop before another
stop as ッ (곡산 コッサン), a final before ㅇ carried over (검암 コマム), ㄱ/ㅂ before a nasal
as ン/ム (백마 ペンマ). It is a reading aid, not a standard romanisation.
"""

from __future__ import annotations

_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_FINALS = ["", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"]

# Each vowel as a Japanese vowel (a i u e o) with an optional glide (y, w).
_VOWEL_SOUND = dict(
    zip(
        _VOWELS,
        "a e ya ye o e yo ye o wa we we yo u wo we wi yu u ui i".split(),
        strict=True,
    )
)
# Consonant: (sound at a word's start or after a stop, sound between voiced sounds).
_CONSONANT = {
    "ㄱ": ("k", "g"), "ㄲ": ("k", "k"), "ㅋ": ("k", "k"), "ㄴ": ("n", "n"), "ㄷ": ("t", "d"),
    "ㄸ": ("t", "t"), "ㅌ": ("t", "t"), "ㄹ": ("r", "r"), "ㅁ": ("m", "m"), "ㅂ": ("p", "b"),
    "ㅃ": ("p", "p"), "ㅍ": ("p", "p"), "ㅅ": ("s", "s"), "ㅆ": ("s", "s"), "ㅇ": ("", ""),
    "ㅈ": ("ch", "j"), "ㅉ": ("ch", "ch"), "ㅊ": ("ch", "ch"), "ㅎ": ("h", "h"),
}  # fmt: skip
# A final consonant's sound class: k/t/p stops, n/m/ng nasals, l.
_FINAL_CLASS = {
    **dict.fromkeys("ㄱㄲㄳㄺㅋ", "k"), **dict.fromkeys("ㄷㅅㅆㅈㅊㅌㅎ", "t"),
    **dict.fromkeys("ㅂㅄㄿㅍ", "p"), **dict.fromkeys("ㄴㄵㄶ", "n"), **dict.fromkeys("ㅁㄻ", "m"),
    "ㅇ": "ng", **dict.fromkeys("ㄹㄼㄽㄾㅀ", "l"),
}  # fmt: skip
_FINAL_KANA = {"k": "ク", "t": "ッ", "p": "プ", "n": "ン", "m": "ム", "ng": "ン", "l": "ル"}
_CARRIED = {"k": "g", "t": "s", "p": "b", "n": "n", "m": "m", "l": "r"}
"""A final before a syllable starting with ㅇ is pronounced as that syllable's initial."""
_STOPS = frozenset("ㄱㄲㅋㄷㄸㅌㅂㅃㅍㅅㅆㅈㅉㅊ")
_DOUBLED = {"k": frozenset("ㄱㄲㅋㅅㅆㅂㅃㅍ"), "p": frozenset("ㄱㄲㅋㅂㅃㅍ"), "t": _STOPS}
"""Stops a final stop runs into as ッ (덕계 トッケ, 역삼 ヨッサム, 입구 イック); before the others
it keeps its own kana (덕정 トクチョン, 합정 ハプチョン), as the source's names write them."""

_ROWS = {
    consonant: cells.split()
    for consonant, cells in {
        "": "ア イ ウ エ オ", "k": "カ キ ク ケ コ", "g": "ガ ギ グ ゲ ゴ", "s": "サ シ ス セ ソ",
        "t": "タ ティ トゥ テ ト", "d": "ダ ディ ドゥ デ ド", "n": "ナ ニ ヌ ネ ノ",
        "h": "ハ ヒ フ ヘ ホ", "p": "パ ピ プ ペ ポ", "b": "バ ビ ブ ベ ボ", "m": "マ ミ ム メ モ",
        "r": "ラ リ ル レ ロ", "ch": "チャ チ チュ チェ チョ", "j": "ジャ ジ ジュ ジェ ジョ",
    }.items()
}  # fmt: skip
"""Katakana for a consonant before a, i, u, e, o."""
_Y_SMALL = {"a": "ャ", "u": "ュ", "e": "ェ", "o": "ョ"}
_W_KANA = {"a": "ワ", "e": "ウェ", "i": "ウィ", "o": "ウォ"}
_SMALL = {"a": "ァ", "i": "ィ", "e": "ェ", "o": "ォ"}


def _row_kana(consonant: str, vowel: str) -> str:
    return _ROWS[consonant]["aiueo".index(vowel)]


def _syllable_kana(consonant: str | None, vowel_sound: str) -> str:
    """One syllable: consonant + vowel with its glide (ヨ, キョ, チュ, クァ, フェ ...)."""
    if vowel_sound == "ui":  # 의정부 ウィジョンブ, but 여의도 ヨイド, 구의 クイ, 희 ヒ
        return "ウィ" if consonant is None else _row_kana(consonant or "", "i")
    consonant = consonant or ""
    if vowel_sound[0] not in "yw":
        return _row_kana(consonant, vowel_sound)
    glide, vowel = vowel_sound[0], vowel_sound[1:]
    if glide == "w":
        if not consonant:
            return _W_KANA[vowel]
        return _row_kana(consonant, "u")[0] + _SMALL[vowel]  # クァ, フェ, ルォ
    if not consonant:
        return {"a": "ヤ", "u": "ユ", "e": "イェ", "o": "ヨ"}[vowel]
    if vowel == "e":  # 계 ケ, 례 レ, 혜 ヘ: the glide is not heard after a consonant
        return _row_kana(consonant, "e")
    if consonant in ("ch", "j"):  # チャ already carries the glide
        return _row_kana(consonant, vowel)
    return _row_kana(consonant, "i") + _Y_SMALL[vowel]


def hangul_to_katakana(text: str) -> str:
    """Katakana for the Hangul syllables of `text`; other characters are kept as they are."""
    out: list[str] = []
    previous: str | None = None  # the previous syllable's final: "" none, None not Hangul
    for index, char in enumerate(text):
        if not _is_hangul(char):
            out.append(char)
            previous = None
            continue
        code = ord(char) - 0xAC00
        initial = _INITIALS[code // 588]
        vowel = _VOWEL_SOUND[_VOWELS[code % 588 // 28]]
        out.append(_syllable_kana(_initial_sound(initial, previous, out), vowel))
        final = _FINAL_CLASS.get(_FINALS[code % 28], "")
        if final:
            out.append(_final_kana(final, _next_initial(text, index)))
        previous = final
    return "".join(out)


def _initial_sound(initial: str, previous: str | None, out: list[str]) -> str | None:
    """The consonant an initial is heard as after the previous syllable's final; None for
    a silent ㅇ starting a word."""
    if initial == "ㅇ" and previous is None:
        return None
    if initial == "ㅇ" and previous in _CARRIED:
        out.pop()  # the final's own kana: it is heard as this syllable's initial (검암 コマム)
        return _CARRIED[previous]
    if initial == "ㄹ" and previous in ("m", "ng", "k", "p"):
        return "n"  # 종로 チョンノ, 왕십리 ワンシムニ, 독립문 トンニンムン (but 신림 シンリム)
    plain, voiced = _CONSONANT[initial]
    if previous is None or previous in ("k", "t", "p"):  # a word's start, or after a stop
        return plain
    if previous == "l" and initial == "ㅈ":  # 을지로 ウルチロ (but 서울대 ソウルデ)
        return plain
    return voiced


def _final_kana(final: str, next_initial: str) -> str:
    """A final's katakana before the next syllable's initial ("" at the end of a word)."""
    if final in ("k", "p", "t") and next_initial in ("ㄴ", "ㅁ", "ㄹ"):
        return "ム" if final == "p" else "ン"  # 백마 ペンマ, 왕십리 ワンシムニ
    if final == "m" and next_initial in ("ㅂ", "ㅃ", "ㅍ"):
        return "ン"  # 김포 キンポ: Japanese writes ン before p and b
    if final in _DOUBLED and next_initial in _DOUBLED[final]:
        return "ッ"
    return _FINAL_KANA[final]


def _next_initial(text: str, index: int) -> str:
    if index + 1 >= len(text) or not _is_hangul(text[index + 1]):
        return ""
    return _INITIALS[(ord(text[index + 1]) - 0xAC00) // 588]


def _is_hangul(char: str) -> bool:
    return 0 <= ord(char) - 0xAC00 < 11172
