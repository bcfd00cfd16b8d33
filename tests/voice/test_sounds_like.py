"""Sound keys (`voice.sounds_like`): what Whisper wrote sounds like the station that was said.

The pairs are Whisper base's own mishearings of flite and festival voices (issue #13); each must
sound more like the said station than like the other stations whose English names look closest
in spelling, through the real espeak-ng."""

from __future__ import annotations

import shutil

import pytest

from knowledge.textnorm import similarity
from voice.sounds_like import EnglishSounds, hangul_key, ipa_key

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")


def test_hangul_is_read_by_rule() -> None:
    assert hangul_key("명동") == "mjogtog"  # ㅇ as a final is ng ("g"), silent as a lead
    assert hangul_key("여의도") == "jouito"
    assert hangul_key("Seoul 2") == ""


def test_ipa_marks_carry_no_sound() -> None:
    assert ipa_key("mjˈoʊŋdɑːŋ") == "mjogtag"
    assert ipa_key("tʃˈɑː") == "ca"  # the affricate is one class, not t + sh


@needs_espeak
@pytest.mark.parametrize(
    ("heard", "said", "nearby"),
    [
        ("your widow", "여의도", ["윤드", "유원", "여주"]),
        ("my own tongue", "명동", ["마장", "망원", "모란"]),
        ("Somziong", "삼성", ["삼송", "상수", "신정"]),
    ],
)
def test_misheard_words_sound_like_the_station(heard: str, said: str, nearby: list[str]) -> None:
    key = EnglishSounds().key(heard)
    right = similarity(key, hangul_key(said))
    assert right > max(similarity(key, hangul_key(n)) for n in nearby if n != said) - 0.05
    assert right >= 0.5


@needs_espeak
def test_many_names_are_read_in_one_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """One espeak-ng run, in step: a comma inside a name ("City Hall, Yongin University")
    must not start a line of its own (every later name then fell back to a run each, ~5 s)."""
    sounds = EnglishSounds()
    names = ["Yeouido", "City Hall, Yongin University", "Seoul Station", "Dongdaemun History &"
             " Culture Park", "Hongik Univ."]  # fmt: skip
    one_by_one = [sounds.key(n) for n in names]

    def no_fallback(words: str) -> str:
        raise AssertionError(f"read alone: {words!r}")

    monkeypatch.setattr(sounds, "_one", no_fallback)
    assert sounds.keys(names) == one_by_one


def test_without_espeak_keys_are_empty() -> None:
    sounds = EnglishSounds(binary="no-such-espeak")
    assert not sounds.available
    assert sounds.key("your widow") == "" and sounds.keys(["Yeouido"]) == [""]
