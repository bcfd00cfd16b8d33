"""Whisper driven directly from one encoder pass: language detection, decoding, re-scoring
readings and continuing a sentence from a point all reuse the same encoder output.

On two cores the encoder is most of a turn, so everything the kiosk asks of the audio after
the first transcript (a misheard station name re-scored, Whisper's alternatives for it) pays
only the decoder's cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from voice.audio import SAMPLE_RATE
from voice.whisper_tokenizer import repaired

FRAMES_PER_SECOND = 100
"""Whisper's log-mel frames per second of audio."""
HOP_SAMPLES = SAMPLE_RATE // FRAMES_PER_SECOND
WHISPER_FRAMES = 3000
"""The 30 s window Whisper was trained on: the longest input the encoder takes."""
WINDOW_MARGIN_FRAMES = 400
"""Silence after the utterance inside the window (4 s). With less, Whisper (trained on 30 s
windows) tends to run on past the end and say the utterance again."""
MIN_WINDOW_S = 10.0
"""The shortest encoder window. 6 s would hear a short question ~100 ms sooner with the same
error rates on the 27 clean recordings (ja CER 0.184 against 0.181) and the same under real
noise at 0 and 5 dB SNR, but a passenger interrupting the kiosk (their question mixed with the
kiosk's own voice, tests/kiosk/daemon/test_bargein_real.py) was heard in 4 of 13 runs against
10 of 13 with 10 s: the rest rejected as no-speech. Robustness wins."""
SCORE_BATCH = 4
"""Readings scored per decoder call: each brings its own copy of the encoder output. Over the
whole 10 s window, on two cores, 4 at a time cost 14-21 ms each against 21-34 ms in batches of
8-16; over the utterance only (`SCORE_MARGIN_S`) the batch size matters little (13 readings of
a 3.4 s question: 130-155 ms in batches of 2 to 13)."""
NEXT_STEP_MARGIN = 8
"""Tokens allowed past a forced prefix when only the next token's logits are wanted: with
fewer, CTranslate2 sometimes returned the prefix alone."""
SCORE_MARGIN_S = 1.0
"""Silence after the utterance that re-scoring attends to. Each reading's cost grows with the
encoder positions it attends to, and the window holds 4-7 s of silence after a short question:
attending to the utterance and 1 s after it cut 8 readings from ~190 ms to ~90 ms. On held-out
draw 3 of the spoken set, margins of 0.7 s, 2 s and the whole window shortlisted and offered the
same (72, 72 and 70 questions right or offered right)."""


class OnePassWhisper:
    """faster-whisper's model driven directly: one encoder pass serves language detection and
    decoding, over a window sized to the utterance.

    `WhisperModel.transcribe` pads every input to 30 s, and its language detection encodes a
    second time; on two cores the encoder is most of a turn, and a kiosk question lasts a few
    seconds. Decoding is greedy or beam search at temperature 0 without timestamps, as before.
    """

    def __init__(self, model: Any) -> None:
        if hasattr(model, "hf_tokenizer"):  # the bundled tokenizer lacks a merge
            model.hf_tokenizer = repaired(model.hf_tokenizer)
        self.model = model

    def encode(self, audio: np.ndarray, min_window_frames: int) -> Any:
        from faster_whisper.audio import pad_or_trim

        frames = len(audio) // HOP_SAMPLES
        window = min(WHISPER_FRAMES, max(min_window_frames, frames + WINDOW_MARGIN_FRAMES))
        # Pad with silent *audio*, as Whisper saw in training: zero-valued log-mel features are
        # not silence, and the decoder then runs on past the end and repeats itself.
        silence = np.zeros(max(0, window * HOP_SAMPLES - len(audio)), dtype=np.float32)
        features = self.model.feature_extractor(np.concatenate([audio, silence]), padding=0)
        return self.model.encode(pad_or_trim(features, window))

    def _tokenizer(self, lang: str) -> Any:
        from faster_whisper.tokenizer import Tokenizer

        return Tokenizer(self.model.hf_tokenizer, True, task="transcribe", language=lang)

    def languages(self, encoded: Any) -> list[tuple[str, float]]:
        """Every language's probability, from tokens such as `<|en|>`."""
        return [(token[2:-2], p) for token, p in self.model.model.detect_language(encoded)[0]]

    def generate(
        self,
        encoded: Any,
        lang: str,
        *,
        beam_size: int,
        max_new_tokens: int,
        initial_prompt: str | None = None,
        hotwords: str | None = None,
    ) -> tuple[str, float, float]:
        """(text, average log-probability, no-speech probability) for one utterance."""
        from faster_whisper.transcribe import get_suppressed_tokens

        tokenizer = self._tokenizer(lang)
        previous = tokenizer.encode(" " + initial_prompt.strip()) if initial_prompt else []
        prompt = self.model.get_prompt(
            tokenizer, previous, without_timestamps=True, hotwords=hotwords
        )
        result = self.model.model.generate(
            encoded,
            [prompt],
            beam_size=beam_size,
            max_length=len(prompt) + max_new_tokens,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, (-1,)),
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        # `scores` is the length-normalised log-probability; recover faster-whisper's average.
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1) if tokens else -10.0
        return tokenizer.decode(tokens), float(avg_logprob), float(result.no_speech_prob)

    def score(
        self, encoded: Any, lang: str, sentences: Sequence[str], seconds: float | None = None
    ) -> list[float]:
        """Each sentence's log-probability given the audio (teacher-forced, over its tokens and
        the end of text, per token times the first sentence's token count), from one encoder
        output: which of several readings of one utterance the decoder finds likeliest.
        CTranslate2's `align` returns each token's probability; it wants the encoder output
        once per sentence, in batches of `SCORE_BATCH`. With `seconds`, the utterance's
        length, only its part of the window and `SCORE_MARGIN_S` after it are attended to."""
        import ctranslate2

        if not sentences:
            return []
        tokenizer = self._tokenizer(lang)
        start = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        texts = [[*tokenizer.encode(" " + s.strip()), tokenizer.eot] for s in sentences]
        one = _attended(encoded, seconds)
        results = []
        for at in range(0, len(texts), SCORE_BATCH):
            chunk = texts[at : at + SCORE_BATCH]
            batch = ctranslate2.StorageView.from_array(np.repeat(one, len(chunk), axis=0))
            frames = [one.shape[1] * 2] * len(chunk)
            results += self.model.model.align(batch, start, chunk, frames)
        # Per token, scaled to the first sentence's length: a sum favours short names (each
        # token costs), and on the spoken set the right name came first 32 times of 60 by the
        # mean against 23 by the sum (the scale keeps margins in nats of that sentence).
        length = len(texts[0])
        return [
            float(np.mean(np.log(np.maximum(r.text_token_probs, 1e-12)))) * length for r in results
        ]

    def continuations(
        self,
        encoded: Any,
        lang: str,
        prefix: str,
        count: int,
        max_new_tokens: int,
        seconds: float | None = None,
    ) -> list[str]:
        """Whisper's `count` likeliest ways to go on from `prefix`, the start of what it wrote,
        likeliest first (beam search, no prompt): where it wrote a station's name as other
        words, the runners-up spell other readings of the same sounds ("Gairung" was also
        "gyroom", "gyrum", "guy room"). The beams share one encoder output, so this costs
        about one re-scored reading."""
        import ctranslate2

        tokenizer = self._tokenizer(lang)
        start = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        given = self.tokens(lang, prefix)

        result = self.model.model.generate(
            ctranslate2.StorageView.from_array(_attended(encoded, seconds)),
            [start + given],
            beam_size=count,
            num_hypotheses=count,
            max_length=len(start) + len(given) + max_new_tokens,
        )[0]
        readings = []
        for ids in result.sequences_ids:
            ids = [t for t in ids if t < tokenizer.eot]
            if ids[: len(given)] == given:
                readings.append(tokenizer.decode(ids[len(given) :]).strip())
        return readings

    def tokens(self, lang: str, text: str) -> list[int]:
        """`text`'s token ids as Whisper writes it mid-sentence (after a space)."""
        return self._tokenizer(lang).encode(" " + text.strip()) if text.strip() else []

    def end_of_text(self, lang: str) -> int:
        return int(self._tokenizer(lang).eot)

    def next_tokens(
        self,
        encoded: Any,
        lang: str,
        prefixes: Sequence[Sequence[int]],
        seconds: float | None = None,
    ) -> list[np.ndarray | None]:
        """The log-probability of every token coming next after each of `prefixes` (token ids
        of the sentence so far), in one decoder call: the prefix is forced and one more step
        is taken, keeping its logits. None where no step came back."""
        import ctranslate2

        if not prefixes:
            return []
        tokenizer = self._tokenizer(lang)
        start = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        one = _attended(encoded, seconds)
        longest = max(len(p) for p in prefixes)
        results = self.model.model.generate(
            ctranslate2.StorageView.from_array(np.repeat(one, len(prefixes), axis=0)),
            [start + list(p) for p in prefixes],
            beam_size=1,
            # CTranslate2 counts this length its own way; this margin always gives the step.
            max_length=len(start) + longest + NEXT_STEP_MARGIN,
            return_logits_vocab=True,
        )
        found = []
        for prefix, result in zip(prefixes, results, strict=True):
            steps = result.logits[0]  # one per token returned, the forced prefix's included
            if len(steps) <= len(prefix):
                found.append(None)
                continue
            logits = np.asarray(steps[len(prefix)], dtype=np.float64).reshape(-1)
            found.append(logits - np.logaddexp.reduce(logits))
        return found


def _attended(encoded: Any, seconds: float | None) -> np.ndarray:
    """The encoder output for an utterance of `seconds` and `SCORE_MARGIN_S` after it (all of
    it when the length is not known): re-scoring decodes attend to no more."""
    one = np.asarray(encoded)
    if seconds is None:
        return one
    kept = round((seconds + SCORE_MARGIN_S) * FRAMES_PER_SECOND / 2)  # two mel frames each
    return one[:, : max(1, kept)]
