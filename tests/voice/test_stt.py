from __future__ import annotations

import asyncio
import re
import threading

import numpy as np
import pytest

from knowledge.textnorm import levenshtein
from tests.voice.audio_helpers import clip, join, manifest, mix_at_snr, noise, piper_say, silence
from voice.errors import SttError
from voice.speechnorm import ko_number
from voice.stt import Transcript, WhisperTranscriber
from voice.stt_guards import (
    GuardConfig,
    cut_repetitions,
    guard_transcript,
    is_phantom,
    strip_phantom_tail,
)


class FakeWhisper:
    """The decoder surface of `OnePassWhisper`; records what the transcriber asked for and in
    which thread, since every model call must run in the transcriber's worker."""

    def __init__(self, text: str = "Where is exit 3?", probs=None, logprob=-0.2, nsp=0.05):
        self.text, self.logprob, self.nsp = text, logprob, nsp
        self.probs = probs or [("nl", 0.5), ("en", 0.3), ("ko", 0.2)]
        self.received: list[dict] = []
        self.drained_in: list[str] = []
        self.windows: list[int] = []

    def encode(self, audio, min_window_frames):
        self.drained_in.append(threading.current_thread().name)
        self.windows.append(min_window_frames)
        return "encoded"

    def languages(self, encoded):
        return self.probs

    def generate(self, encoded, lang, **options):
        self.received.append({"language": lang, **options})
        self.drained_in.append(threading.current_thread().name)
        return " " + self.text, self.logprob, self.nsp


def speechlike(seconds: float = 1.0) -> np.ndarray:
    rng = np.random.default_rng(0)
    return (rng.standard_normal(int(16000 * seconds)) * 3000).astype(np.int16)


def make(model: FakeWhisper, **kw) -> WhisperTranscriber:
    return WhisperTranscriber("unused", kw.pop("languages", ["ko", "en"]), model=model, **kw)


def test_language_is_chosen_among_configured_ones_and_options_are_fixed() -> None:
    model = FakeWhisper()
    result = make(model).transcribe(speechlike())
    assert result.language == "en"  # Dutch scored higher but is not configured
    assert result.ok and result.text == "Where is exit 3?"
    options = model.received[0]
    assert options["language"] == "en"
    assert options["beam_size"] == 1
    assert options["max_new_tokens"] <= 200


def test_beam_size_can_differ_per_language() -> None:
    model = FakeWhisper(probs=[("ja", 0.9), ("en", 0.1)])
    make(model, languages=["en", "ja"], beam_sizes={"ja": 5}).transcribe(speechlike())
    assert model.received[0]["beam_size"] == 5


def test_prompt_biasing_can_be_limited_to_some_languages() -> None:
    names = {"en": ["Gangnam"], "ja": ["カンナム"]}
    model = FakeWhisper(probs=[("ja", 0.9), ("en", 0.1)])
    stt = make(model, languages=["en", "ja"], vocabulary=names, bias_languages=["en"])
    stt.transcribe(speechlike())
    assert "initial_prompt" not in model.received[0]


def test_segments_are_drained_in_the_worker_thread() -> None:
    model = FakeWhisper()
    stt = make(model)

    async def run() -> Transcript:
        return await stt.transcribe_async(speechlike())

    assert asyncio.run(run()).ok
    assert model.drained_in == [n for n in model.drained_in if n.startswith("whisper")]
    assert model.drained_in and threading.current_thread().name not in model.drained_in


def test_forced_language_skips_detection() -> None:
    model = FakeWhisper(probs=[("ja", 0.9)])
    assert make(model).transcribe(speechlike(), language="ko").language == "ko"


def test_vocabulary_becomes_a_short_prompt_or_hotwords() -> None:
    names = {"en": ["Gangnam", "Yeoksam", "Seolleung"] + [f"Station{i}" for i in range(50)]}
    model = FakeWhisper()
    make(model, vocabulary=names, bias="prompt", max_prompt_chars=60).transcribe(speechlike())
    prompt = model.received[0]["initial_prompt"]
    assert prompt.startswith("Seoul subway stations: Gangnam, Yeoksam, Seolleung")
    assert len(prompt) <= 60
    model = FakeWhisper()
    make(model, vocabulary=lambda lang: ["Gangnam"], bias="hotwords").transcribe(speechlike())
    assert model.received[0]["hotwords"] == "Seoul subway stations: Gangnam"
    assert "initial_prompt" not in model.received[0]


def test_offered_names_replace_the_vocabulary_in_the_prompt() -> None:
    names = {"en": ["Gangnam", "Yeoksam", "Seoul Station"]}
    model = FakeWhisper()
    stt = make(model, vocabulary=names, bias="prompt")

    async def reply() -> Transcript:
        return await stt.transcribe_async(speechlike(), "en", names=["Danggok", "Dangsan"])

    heard = asyncio.run(reply())
    assert model.received[0]["initial_prompt"] == "Seoul subway stations: Danggok, Dangsan"
    assert heard.prompt == "Seoul subway stations: Danggok, Dangsan"


def test_near_silent_audio_is_not_decoded() -> None:
    model = FakeWhisper()
    result = make(model).transcribe(np.zeros(16000, dtype=np.int16))
    assert result.rejected_reason == "silence"
    assert model.received == []


@pytest.mark.parametrize(
    "text",
    ["시청해주셔서 감사합니다.", "ご視聴ありがとうございました", "Thanks for watching!",
     "字幕由Amara.org社区提供", "MBC 뉴스 이덕영입니다.", "谢谢观看。"],
)  # fmt: skip
def test_phantom_phrases_are_rejected(text: str) -> None:
    assert is_phantom(text)
    result = make(FakeWhisper(text=text)).transcribe(speechlike())
    assert result.rejected_reason == "phantom-phrase" and not result.ok


def test_real_questions_are_not_phantoms() -> None:
    for text in ["강남역 3번 출구 어디예요?", "Thanks, where is the toilet?", "出口はどこですか"]:
        assert not is_phantom(text)


def test_phantom_tail_is_stripped_from_real_speech() -> None:
    assert strip_phantom_tail("강남역 가나요? 시청해주셔서 감사합니다.") == "강남역 가나요?"
    result = make(FakeWhisper(text="Where is exit 3? Thanks for watching!")).transcribe(
        speechlike()
    )
    assert result.ok and result.text == "Where is exit 3?"


def test_repetition_loops_are_cut() -> None:
    assert cut_repetitions("강남역 강남역 강남역 강남역 강남역") == "강남역"
    assert cut_repetitions("Where is the exit? the exit? the exit? the exit?") == (
        "Where is the exit?"
    )
    assert cut_repetitions("ありがとうありがとうありがとう") == "ありがとう"
    assert cut_repetitions("Is it line two or line three?") == "Is it line two or line three?"


def test_score_guards() -> None:
    base = Transcript("hello there", "en", 0.9, -0.3, 0.1, 1.0)
    config = GuardConfig()
    assert guard_transcript(base, config).ok
    low = guard_transcript(Transcript("hello", "en", 0.9, -1.5, 0.1, 1.0), config)
    assert low.rejected_reason == "low-confidence"
    nsp = guard_transcript(Transcript("hello", "en", 0.9, -0.7, 0.9, 1.0), config)
    assert nsp.rejected_reason == "no-speech"
    confident = guard_transcript(Transcript("hello", "en", 0.9, -0.2, 0.9, 1.0), config)
    assert confident.ok  # a confident decode overrides a high no-speech probability


def test_text_is_nfc_normalised() -> None:
    decomposed = "\u1100\u1161\u11a8"  # 각 as conjoining jamo
    result = make(FakeWhisper(text=decomposed + " 출구")).transcribe(speechlike())
    assert result.text == "각 출구"


def test_decoder_failure_is_a_stage_error() -> None:
    class Broken(FakeWhisper):
        def generate(self, encoded, lang, **options):
            raise RuntimeError("boom")

    with pytest.raises(SttError) as err:
        make(Broken()).transcribe(speechlike())
    assert err.value.code == "stt-failed"


def test_missing_model_dir_is_a_clear_error(tmp_path) -> None:
    stt = WhisperTranscriber(tmp_path / "nowhere", ["en"])
    with pytest.raises(SttError) as err:
        stt.transcribe(speechlike())
    assert err.value.code == "model-missing"


# --- real Whisper base ---------------------------------------------------------------------


def cer(ref: str, hyp: str) -> float:
    def norm(s: str) -> str:
        s = re.sub(r"\d+", lambda m: ko_number(int(m[0])), s)
        return re.sub(r"[\W_]+", "", s)

    return levenshtein(norm(ref), norm(hyp)) / len(norm(ref))


def wer(ref: str, hyp: str) -> float:
    return levenshtein(ref.split(), hyp.split()) / len(ref.split())


@pytest.mark.models
def test_whisper_transcribes_a_piper_question(transcriber) -> None:
    audio = join(silence(0.3), piper_say("Where is the elevator to exit three?"), silence(0.3))
    result = transcriber.transcribe(audio)
    assert result.ok and result.language == "en"
    hyp = re.sub(r"[^\w\s']", "", result.text.lower()).replace("'s", " is").replace("3", "three")
    assert wer("where is the elevator to exit three", hyp) <= 0.15, result.text


@pytest.mark.models
def test_korean_real_recording_cer(transcriber) -> None:
    name = "ko_zeroth_104_003_0294.wav"
    result = transcriber.transcribe(clip(name))
    assert result.ok and result.language == "ko"
    assert cer(manifest()[name]["transcript"], result.text) < 0.15, result.text


@pytest.mark.models
def test_noise_and_silence_give_no_transcript(transcriber) -> None:
    assert not transcriber.transcribe(silence(2.0)).ok
    assert not transcriber.transcribe(noise(3.0, level_dbfs=-25)).ok


@pytest.mark.models
def test_korean_in_steady_noise_is_still_recognised(transcriber) -> None:
    name = "ko_zeroth_104_003_0294.wav"
    result = transcriber.transcribe(mix_at_snr(clip(name), 15.0))
    assert result.ok and result.language == "ko"
    assert cer(manifest()[name]["transcript"], result.text) < 0.3, result.text


def test_a_sentence_said_again_is_dropped() -> None:
    looped = "다른 지역에서는 넓다. 다른 지역에서는 넓다. 다른 지역"
    assert cut_repetitions(looped) == "다른 지역에서는 넓다."
    assert cut_repetitions("Where is exit 3? Where is exit 3?") == "Where is exit 3?"
    assert cut_repetitions("Is it line 2? Or line 3?") == "Is it line 2? Or line 3?"


def test_the_station_prompt_said_back_is_not_a_question() -> None:
    from voice.stt_guards import echoes_prompt

    prompt = "Seoul subway stations: Gangnam, Gongdeok, Daegok, Wangsimni"
    assert echoes_prompt("Seoul subway station, Gongdeok, Daegok,", prompt)
    assert not echoes_prompt("How do I get to Gongdeok station?", prompt)
    assert not echoes_prompt("Gangnam station?", prompt)  # too short to tell: left to answers
    listed = "Seoul subway stations: Gangnam, Gimpo International Airport, Seoul Station, Jamsil"
    heard = "There is the elevator at Gangnam, Gimpo International Airport, Seoul Station,"
    assert echoes_prompt(heard, listed)  # the prompt's names in its order: not what was said
    assert not echoes_prompt("How do I get from Gangnam to Jamsil?", listed)
    assert echoes_prompt("서울 지하철역 공덕 대곡", "서울 지하철역: 강남, 공덕, 대곡")
    assert not echoes_prompt("공덕역 엘리베이터 어디예요?", "서울 지하철역: 강남, 공덕, 대곡")
