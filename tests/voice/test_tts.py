from __future__ import annotations

import asyncio
import io
import time
import wave

import numpy as np
import pytest

from tests.voice.audio_helpers import _piper
from voice.audio import SAMPLE_RATE, AudioChunk, MemorySink, concat_chunks, encode_wav
from voice.errors import TtsError
from voice.tts import EspeakVoice, MultiVoice, PhraseCache, SpeechWorker, is_audible


class RecordingVoice:
    """Fake voice: one chunk of tone per sentence at 22.05 kHz; records what it was asked."""

    sample_rate = 22_050

    def __init__(self) -> None:
        self.received: list[tuple[str, str, float]] = []

    def synthesize(self, text: str, lang: str, rate: float = 1.0):
        from voice.speechnorm import normalize, split_sentences

        for sentence in split_sentences(normalize(text, lang), lang):
            self.received.append((sentence, lang, rate))
            time.sleep(0.05)
            yield AudioChunk(np.full(2205, 5000, dtype=np.int16), rate=self.sample_rate)


def test_multivoice_routes_per_language_and_resamples() -> None:
    fake = RecordingVoice()
    voice = MultiVoice({"en": fake}, sample_rate=16_000)
    chunks = list(voice.synthesize("Take Line 2. Exit 3.", "en", rate=0.8))
    assert [s for s, _, _ in fake.received] == ["Take Line two.", "Exit three."]
    assert fake.received[0][2] == 0.8
    assert all(c.rate == 16_000 and len(c.array) == 1600 for c in chunks)


def test_first_sentence_is_ready_before_the_rest() -> None:
    fake = RecordingVoice()
    worker = SpeechWorker(MultiVoice({"en": fake}))

    async def run() -> tuple[float, float]:
        start = time.perf_counter()
        first = None
        async for _ in worker.stream("One. Two. Three. Four.", "en"):
            first = first or time.perf_counter() - start
        return first, time.perf_counter() - start

    first, total = asyncio.run(run())
    worker.close()
    assert first < total / 2


def test_phrase_cache_speaks_a_repeated_phrase_from_memory() -> None:
    fake = RecordingVoice()
    cache = PhraseCache(MultiVoice({"en": fake}))
    first = concat_chunks(cache.synthesize("Please say it again.", "en"))
    again = concat_chunks(cache.synthesize("Please say it again.", "en"))
    assert np.array_equal(first, again) and len(fake.received) == 1
    assert (cache.hits, cache.misses) == (1, 1)
    # another rate or language is another phrase
    list(cache.synthesize("Please say it again.", "en", rate=0.8))
    assert len(fake.received) == 2


def test_phrase_cache_drops_least_recent_past_its_budget_and_keeps_no_partial_audio() -> None:
    fake = RecordingVoice()
    one_phrase = 1600 * 2  # one fake sentence at 16 kHz, 16-bit
    cache = PhraseCache(MultiVoice({"en": fake}), max_bytes=2 * one_phrase)
    for text in ("One.", "Two.", "One.", "Three."):  # "One." used again: "Two." is older
        list(cache.synthesize(text, "en"))
    assert len(cache) == 2
    list(cache.synthesize("One.", "en"))
    assert cache.hits == 2  # "One." twice from memory
    list(cache.synthesize("Two.", "en"))
    assert cache.misses == 4
    stopped = cache.synthesize("Four. Five.", "en")
    next(stopped)
    stopped.close()  # a barge-in: the phrase was not heard whole, so it is not kept
    assert ("Four. Five.", "en", 1.0) not in cache._audio


def test_prepare_fills_the_cache_and_skips_a_language_that_cannot_speak() -> None:
    fake = RecordingVoice()
    worker = SpeechWorker(PhraseCache(MultiVoice({"en": fake}, espeak_binary="no-such-espeak")))
    done = worker.prepare([("Hello.", "en"), ("안녕하세요.", "ko")])
    assert done == 1 and len(worker.synthesizer) == 1  # type: ignore[arg-type]
    worker.prepare_soon([("Goodbye.", "en")]).join(timeout=10)
    assert len(worker.synthesizer) == 2  # type: ignore[arg-type]
    worker.close()
    assert worker.prepare([("Too late.", "en")]) == 0  # a closed worker: nothing, no error


def _check_wav(samples: np.ndarray) -> None:
    data = encode_wav(samples, SAMPLE_RATE)
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (16_000, 2, 1)
        assert w.getnframes() > SAMPLE_RATE // 2
    assert is_audible(samples)


@pytest.mark.models
def test_piper_speaks_english_at_16k_and_slower_for_rate_08() -> None:
    voice = MultiVoice({"en": _piper()}, sample_rate=SAMPLE_RATE)
    sentence = "The elevator is at exit 3, next to the ticket gates on the left."
    normal = concat_chunks(voice.synthesize(sentence, "en"))
    _check_wav(normal)
    # Piper draws phoneme durations at random (noise_w), so compare totals over three runs.
    normal_total = sum(len(concat_chunks(voice.synthesize(sentence, "en"))) for _ in range(3))
    slow_total = sum(
        len(concat_chunks(voice.synthesize(sentence, "en", rate=0.8))) for _ in range(3)
    )
    assert slow_total > normal_total * 1.07  # measured 1.13-1.15: pauses do not stretch


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ko", "엘리베이터는 3번 출구에 있습니다."),
        ("zh", "电梯在3号出口。"),
        ("ja", "エレベーターは3番出口です。"),
    ],
)
def test_espeak_speaks_the_other_languages(lang: str, text: str) -> None:
    voice = MultiVoice(sample_rate=SAMPLE_RATE)
    chunks = list(voice.synthesize(text, lang))
    assert isinstance(voice.voices[lang], EspeakVoice)
    _check_wav(concat_chunks(chunks))


def test_espeak_rate_changes_length() -> None:
    voice = MultiVoice(sample_rate=SAMPLE_RATE)
    normal = concat_chunks(voice.synthesize("이호선을 타세요.", "ko"))
    slow = concat_chunks(voice.synthesize("이호선을 타세요.", "ko", rate=0.8))
    assert len(slow) > len(normal) * 1.1


def test_missing_espeak_binary_is_a_clear_error() -> None:
    with pytest.raises(TtsError) as err:
        EspeakVoice("ko", binary="no-such-espeak")
    assert err.value.code == "dependency-missing"


def test_missing_piper_voice_is_a_clear_error(tmp_path) -> None:
    from voice.tts import PiperVoice

    with pytest.raises(TtsError) as err:
        PiperVoice(tmp_path / "none.onnx")
    assert err.value.code == "voice-missing"


def test_playback_of_a_reply_stops_at_once() -> None:
    async def run() -> MemorySink:
        sink = MemorySink(realtime=True)
        for chunk in MultiVoice(sample_rate=SAMPLE_RATE).synthesize(
            "이호선을 타세요. 삼번 출구로 나가세요. 엘리베이터가 있습니다.", "ko"
        ):
            await sink.play(chunk)
        task = asyncio.create_task(sink.drain())
        await asyncio.sleep(0.05)
        sink.stop()
        await task
        return sink

    sink = asyncio.run(run())
    assert sink.seconds < 3.0  # only the first sentence was played


def test_japanese_kanji_are_given_kana_readings_for_espeak() -> None:
    from voice.tts import kanji_to_kana

    spoken = kanji_to_kana("カンナム駅のエレベーターは出口の近くです。")
    assert spoken == "カンナムえきのエレベーターはでぐちのちかくです。"
    assert kanji_to_kana("エレベーター") == "エレベーター"  # nothing to read: unchanged


def test_the_mandarin_voice_reads_hanzi_without_switching_to_english() -> None:
    import subprocess

    from voice.tts import EspeakVoice

    # Debian's plain `cmn` voice reads 你好 as "ni three hao three", switching to English.
    voice = EspeakVoice("zh")
    phonemes = subprocess.run(
        [voice.binary, "-v", voice.voice, "-q", "-x", "你好，电梯在哪里"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "(en)" not in phonemes and phonemes.strip()
