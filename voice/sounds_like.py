"""How names sound: coarse phoneme keys that compare what Whisper wrote with station names.

Whisper base writes a Korean station name said inside English as English words: "your widow"
for Yeouido, "my own tongue" for Myeong-dong. Their spelling is nothing like the name, but their
sound is close, so both sides become one small alphabet of sound classes: the heard words through
espeak-ng's English reading (`espeak-ng --ipa`), a station through its Hangul (read by rule, jamo
by jamo) and through its English name read the same way as the heard words.

The alphabet merges what the two languages confuse: voiced and plain stops (Korean ㄱ is heard as
"g" or "k"), r/l/flap, the affricates, the sibilants; vowels keep five classes and schwa is
dropped. Keys are compared by edit distance (`knowledge.textnorm.similarity`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# IPA (as espeak-ng writes it) -> sound class. Longer symbols first: diphthongs and affricates.
_IPA = {
    "tʃ": "c", "dʒ": "c", "ts": "c", "dz": "c", "tɕ": "c", "dʑ": "c",
    "aɪ": "ai", "aʊ": "au", "oʊ": "o", "eɪ": "e", "ɔɪ": "oi", "əʊ": "o",
    "p": "p", "b": "p", "f": "p", "v": "p", "ɸ": "p",
    "t": "t", "d": "t", "ð": "t",
    "k": "k", "g": "k", "ɡ": "k", "q": "k", "x": "k",
    "s": "s", "z": "s", "ʃ": "s", "ʒ": "s", "ɕ": "s", "θ": "s",
    "m": "m", "n": "n", "ŋ": "g", "ɲ": "n",
    "r": "r", "ɹ": "r", "l": "r", "ɾ": "r", "ɫ": "r", "ɭ": "r",
    "h": "h", "ɦ": "h", "j": "j", "w": "w", "ɰ": "",
    "a": "a", "ɐ": "a", "ɑ": "a", "æ": "a", "ɒ": "o",
    "e": "e", "ɛ": "e",
    "i": "i", "ɪ": "i", "ᵻ": "i", "ɨ": "i", "y": "i",
    "o": "o", "ɔ": "o", "ʌ": "o", "ɜ": "o",
    "u": "u", "ʊ": "u", "ɯ": "u",
    "ə": "", "ɚ": "or",
}  # fmt: skip
_IPA_KEYS = sorted(_IPA, key=len, reverse=True)

# Hangul jamo (Unicode conjoining forms) -> sound class, read as a Korean says them.
_LEADS = "k k n t t r m p p s s _ c c c k t p h".split()
_VOWELS = "a e ja je o e jo je o wa we we jo u wo we wi ju u ui i".split()
_TAILS = ["", *"k k k n n n t r k m r r r p r m p p t t g t t k t p _".split()]


def hangul_key(name: str) -> str:
    """The sound classes of a Hangul name: 여의도 -> "jouito" ("_" is silent)."""
    out: list[str] = []
    for ch in name:
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            continue  # digits, Latin and punctuation carry no Korean sound here
        lead, vowel, tail = code // 588, (code % 588) // 28, code % 28
        out += (_LEADS[lead], _VOWELS[vowel], _TAILS[tail])
    return "".join(out).replace("_", "")


def ipa_key(ipa: str) -> str:
    """espeak-ng's IPA reduced to sound classes (stress, length and syllable marks dropped)."""
    text = unicodedata.normalize("NFC", ipa)
    out: list[str] = []
    i = 0
    while i < len(text):
        for sym in _IPA_KEYS:
            if text.startswith(sym, i):
                out.append(_IPA[sym])
                i += len(sym)
                break
        else:
            i += 1  # ˈ ˌ ː - spaces and anything espeak-ng adds that carries no class
    return "".join(out)


class EnglishSounds:
    """English words -> sound keys through espeak-ng's English reading (one process per call,
    ~25 ms for a batch of hundreds of names). Without espeak-ng every key is empty and callers
    fall back to spelling likeness."""

    def __init__(self, binary: str = "espeak-ng", voice: str = "en-us") -> None:
        self.binary = shutil.which(binary)
        self.voice = voice
        self._one = lru_cache(maxsize=512)(self._read_one)

    @property
    def available(self) -> bool:
        return self.binary is not None

    def key(self, words: str) -> str:
        return self._one(words.strip())

    def keys(self, names: Iterable[str]) -> list[str]:
        """Keys for many names in one espeak-ng run (one name per line, one IPA line out)."""
        names = [_one_clause(n) for n in names]
        lines = self._ipa("\n".join(names)).splitlines() if names else []
        if len(lines) != len(names):  # espeak-ng joined or split a clause: read one by one
            return [self.key(n) for n in names]
        return [ipa_key(line) for line in lines]

    def _read_one(self, words: str) -> str:
        return ipa_key(self._ipa(_one_clause(words)))

    def _ipa(self, text: str) -> str:
        if self.binary is None or not text.strip():
            return ""
        done = subprocess.run(
            [self.binary, "-q", "--ipa", "-v", self.voice],
            input=text,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return done.stdout if done.returncode == 0 else ""


def _one_clause(text: str) -> str:
    """Words only: espeak-ng starts a new output line at a clause mark ("City Hall, Yongin
    University" read as two lines put every later name out of step)."""
    return " ".join(re.sub(r"[^\w'’-]+", " ", text).split())
