"""Whisper's hallucination guards: every transcript is rejected or repaired here, with a reason.

Whisper invents text on silence and noise (YouTube outros such as "시청해주셔서 감사합니다") and
can loop on one phrase; a kiosk must neither answer a phantom question nor read a loop aloud.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from voice.audio import SAMPLE_RATE
from voice.frames import rms_dbfs

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Transcript:
    """What was heard; `rejected_reason` is set (text kept for debugging) when a guard fired."""

    text: str
    language: str
    language_probability: float
    avg_logprob: float
    no_speech_prob: float
    duration_s: float
    rejected_reason: str | None = None
    encoded: Any = field(default=None, repr=False, compare=False)
    """The encoder's output for this utterance (in memory only, for the turn): readings of a
    doubtful station name are scored against it without encoding the audio again."""
    prompt: str | None = field(default=None, repr=False, compare=False)
    """The station names Whisper was prompted with: a name it wrote may come from them."""

    @property
    def ok(self) -> bool:
        return self.rejected_reason is None and bool(self.text)


@dataclass(frozen=True, slots=True)
class GuardConfig:
    """Thresholds of the hallucination guards (measured on the vendored real recordings)."""

    min_level_dbfs: float = -50.0
    """Audio quieter than this (RMS of the loudest 0.5 s) is not decoded at all."""
    min_avg_logprob: float = -1.0
    """Below this mean token log-probability Whisper is guessing."""
    max_no_speech_prob: float = 0.6
    """Above this the model itself thinks there was no speech..."""
    no_speech_logprob: float = -0.5
    """...unless the decode is also confident (avg_logprob above this), as Whisper itself does."""


# Phrases Whisper emits on silence/noise, learnt from subtitled video. Matched on a key without
# spaces and punctuation, so "Thanks for watching!" and "thanks for watching" are one phrase.
PHANTOM_PHRASES: dict[str, tuple[str, ...]] = {
    "ko": (
        "시청해주셔서감사합니다",
        "시청해주셔서고맙습니다",
        "구독과좋아요부탁드립니다",
        "구독과좋아요",
        "다음영상에서만나요",
        "오늘도시청해주셔서감사합니다",
    ),
    "en": (
        "thanksforwatching",
        "thankyouforwatching",
        "thankyouverymuchforwatching",
        "pleasesubscribe",
        "likeandsubscribe",
        "subtitlesbytheamaraorgcommunity",
        "seeyouinthenextvideo",
    ),
    "ja": (
        "ご視聴ありがとうございました",
        "ご視聴ありがとうございます",
        "チャンネル登録お願いします",
        "チャンネル登録よろしくお願いします",
        "最後までご視聴いただきありがとうございました",
    ),
    "zh": (
        "谢谢观看",
        "感谢观看",
        "请不吝点赞订阅转发打赏支持明镜与点点栏目",
        "字幕由amaraorg社区提供",
        "明镜与点点栏目",
    ),
}
PHANTOM_PATTERNS = (
    re.compile(r"^mbc뉴스\w{2,4}입니다$"),  # "MBC 뉴스 홍길동입니다"
    re.compile(r"^字幕(由|提供|制作|志愿者|by)"),  # "字幕由…提供", "字幕志愿者 …"
    re.compile(r"^(中文)?字幕"),
    re.compile(r"^(작성자|자막)\S*"),
)
_KEY_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
_REPEAT = re.compile(r"(.{2,40}?)(?:\s*\1){2,}", re.DOTALL)
_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]*\s*")


def phrase_key(text: str) -> str:
    return _KEY_DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def is_phantom(text: str) -> bool:
    """True when the whole transcript is a known phantom phrase (any language)."""
    key = phrase_key(text)
    if not key:
        return False
    for phrases in PHANTOM_PHRASES.values():
        if any(key == p or (key.startswith(p) and len(key) <= len(p) + 4) for p in phrases):
            return True
    return any(p.search(key) for p in PHANTOM_PATTERNS)


def strip_phantom_tail(text: str) -> str:
    """Remove a phantom outro appended to real speech ("… 가나요? 시청해주셔서 감사합니다")."""
    for phrases in PHANTOM_PHRASES.values():
        for phrase in phrases:
            pattern = r"[\s\W]*".join(re.escape(ch) for ch in phrase)
            match = re.search(rf"[\s,、]*{pattern}[\s.!?。！？]*$", text, re.IGNORECASE)
            if match and match.start() > 0:
                return text[: match.start()].rstrip()
    return text


def cut_repetitions(text: str) -> str:
    """Undo decoder loops: a short unit repeated three or more times in a row becomes one, and
    a whole sentence said again (the last copy often cut off mid-way) is dropped."""
    text = _REPEAT.sub(lambda m: m[1], text).strip()
    kept: list[str] = []
    for sentence in _SENTENCE.findall(text):
        core = sentence.strip()
        if any(core == earlier.strip() or earlier.strip().startswith(core) for earlier in kept):
            continue
        kept.append(sentence)
    return "".join(kept).strip()


def _tokens(text: str) -> list[str]:
    """Latin words, and Hangul/kana/Han character pairs (those scripts are not spaced)."""
    lowered = text.lower()
    tokens = re.findall(r"[a-z0-9]+", lowered)
    for run in re.findall(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7a3]+", lowered):
        tokens += [run[i : i + 2] for i in range(len(run) - 1)] or [run]
    return tokens


def echoes_prompt(text: str, prompt: str | None, share: float = 0.8) -> bool:
    """True when a transcript is mostly the station-name prompt said back: given a list of
    names, Whisper hears noise as "Seoul subway station, Gongdeok, Daegok" with a confident
    score. Two-word answers ("Gangnam station") are left alone; a question has other words."""
    if not prompt:
        return False
    tokens = _tokens(text)
    if len(tokens) < 3:
        return False
    vocabulary = prompt.lower()
    mostly = sum(t in vocabulary for t in tokens) / len(tokens) >= share
    return mostly or _lists_prompt(text, prompt)


def _lists_prompt(text: str, prompt: str) -> bool:
    """Three of the prompt's names in its own order: "There is the elevator at Gangnam, Gimpo
    International Airport, Seoul Station," (said: at Dongdaemun History Culture Park). A
    passenger does not list three stations in the order the kiosk prompted them."""
    names = [n.strip().lower() for n in re.split(r"[,、:：]", prompt)[1:] if n.strip()]
    said = re.sub(r"[\s,、]+", " ", text.lower())
    return any(" ".join(names[i : i + 3]) in said for i in range(len(names) - 2))


def guard_transcript(t: Transcript, config: GuardConfig, prompt: str | None = None) -> Transcript:
    """Apply the text and score guards; returns the (possibly repaired) transcript."""
    if t.rejected_reason:
        return t
    text = cut_repetitions(t.text)
    if text != t.text:
        logger.info("stt repetition loop cut (%d -> %d chars)", len(t.text), len(text))
    text = strip_phantom_tail(text)
    reason = None
    if not phrase_key(text):
        reason = "empty"
    elif is_phantom(text):
        reason = "phantom-phrase"
    elif echoes_prompt(text, prompt):
        reason = "prompt-echo"
    elif t.avg_logprob < config.min_avg_logprob:
        reason = "low-confidence"
    elif t.no_speech_prob > config.max_no_speech_prob and t.avg_logprob < config.no_speech_logprob:
        reason = "no-speech"
    if reason:
        logger.info(
            "stt transcript rejected: %s (logprob %.2f, no_speech %.2f)",
            reason,
            t.avg_logprob,
            t.no_speech_prob,
        )
    return replace(t, text=text, rejected_reason=reason)


def peak_window_dbfs(audio: np.ndarray, window_s: float = 0.5) -> float:
    """Level of the loudest window: a short question in a long quiet clip still counts."""
    size = int(window_s * SAMPLE_RATE)
    if len(audio) <= size:
        return rms_dbfs(audio)
    usable = len(audio) - len(audio) % size
    blocks = audio[:usable].astype(np.float64).reshape(-1, size)
    loudest = int(np.argmax(np.mean(np.square(blocks), axis=1)))
    return rms_dbfs(audio[loudest * size : (loudest + 1) * size])
