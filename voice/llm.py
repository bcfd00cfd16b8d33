"""The llama.cpp engine: streams an answer for (system, user) messages, system prompt cached.

The system turn is evaluated once and its KV state saved; each turn restores that state, so
llama.cpp's prefix match leaves only the user turn to evaluate (`prompt_tokens_evaluated`
proves it). The turn format is the model family's (`voice.chat_templates`), read from the
GGUF's metadata unless configured. The answerer (`knowledge.answers.llm`) builds the messages
and consumes this engine through its `TokenGenerator` protocol, which it matches structurally.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from voice.chat_templates import AUTO, ChatTemplate, choose_template

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(slots=True)
class GenerationStats:
    prompt_tokens: int = 0
    prompt_tokens_evaluated: int = 0
    """Tokens the model actually evaluated for the prompt (the rest came from the cache)."""
    cached_prefix_tokens: int = 0
    prompt_eval_ms: float = 0.0
    generated_tokens: int = 0


MAX_CACHED_SYSTEMS = 4
"""System prompts whose KV state is kept (each ~1-3 MB for a 135M model)."""


class LlamaGenerator:
    """llama-cpp-python as a token generator, with the system prompt's KV state cached.

    Every call into the model runs on one thread of its own ("llm"), whoever asks:
    - a llama context must never be used by two threads at once, and two askers do happen: an
      answer worker abandoned on barge-in is still inside the model when the next turn's
      worker asks. The second waits; the first stops at its next token once its reader leaves.
    - ggml's OpenMP keeps a pool of worker threads per calling thread, for the life of that
      thread: with one caller the process keeps one pool instead of gaining one per worker.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 2048,
        n_threads: int = 2,
        temperature: float = 0.0,
        chat_template: str = AUTO,
    ) -> None:
        """`chat_template` is a family name of `voice.chat_templates`, or "auto" to read it
        from the GGUF (`LlmError` when it names none we know)."""
        try:
            from llama_cpp import Llama
        except ImportError as err:  # checked at start-up; the kiosk still answers structurally
            raise RuntimeError("llama-cpp-python is not installed (scripts/setup.sh)") from err
        if not Path(model_path).is_file():
            raise FileNotFoundError(f"LLM model not found: {model_path}")
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llm")
        self.llm = Llama(
            model_path=str(model_path), n_ctx=n_ctx, n_threads=n_threads, verbose=False
        )
        self.template: ChatTemplate = choose_template(
            self.llm.metadata, chat_template, model=Path(model_path).name
        )
        self.temperature = temperature
        self.stats = GenerationStats()
        self._cached: dict[str, tuple[list[int], Any]] = {}
        """System prompt -> (its tokens, the KV state after them); the answer prompt and the
        query reader's prompt both stay cached, so neither evicts the other each turn."""

    def on_model_thread(self, work: Callable[[], T]) -> T:
        """Run `work` (which may use `self.llm`) on the model's thread and return its result."""
        return self._thread.submit(work).result()

    def close(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)

    def _tokens(self, text: str) -> list[int]:
        return self.llm.tokenize(text.encode("utf-8"), add_bos=True, special=True)

    def warm(self, system: str) -> None:
        """Evaluate the system prompt once and keep its KV state for every later turn."""
        self.on_model_thread(lambda: self._warm(system))

    def _warm(self, system: str) -> tuple[list[int], Any]:
        if system in self._cached:
            return self._cached[system]
        t0 = time.perf_counter()
        prefix = self._tokens(self.template.system_turn(system))
        self.llm.reset()
        self.llm.eval(prefix)
        if len(self._cached) >= MAX_CACHED_SYSTEMS:
            self._cached.pop(next(iter(self._cached)))
        self._cached[system] = (prefix, self.llm.save_state())
        logger.info(
            "llm system prompt cached: %d tokens in %.0f ms",
            len(prefix),
            (time.perf_counter() - t0) * 1000,
        )
        return self._cached[system]

    def complete(self, system: str, user: str, max_tokens: int, grammar: str) -> str:
        """The whole reply to (system, user), constrained by a GBNF `grammar` (llama.cpp's
        grammar format): the model can only write what the grammar allows."""
        from llama_cpp import LlamaGrammar

        def work() -> str:
            tokens = self._prompt_tokens(system, user, cached_system=True)
            out = self.llm.create_completion(
                tokens,
                max_tokens=max_tokens,
                temperature=0.0,
                grammar=LlamaGrammar.from_string(grammar, verbose=False),
            )
            return out["choices"][0]["text"]

        return self.on_model_thread(work)

    def _prompt_tokens(self, system: str, user: str, *, cached_system: bool) -> list[int]:
        """The prompt's tokens, with the model's state set to the cached system prompt's."""
        tokens = self._tokens(self.template.prompt(system, user))
        cached = 0
        if not cached_system:
            self.llm.reset()
        else:
            prefix, state = self._warm(system)
            if tokens[: len(prefix)] != prefix:  # tokenizer merged at the boundary
                logger.warning("llm prompt does not start with the cached prefix; evaluating all")
                self.llm.reset()
            else:
                self.llm.load_state(state)
                cached = len(prefix)
        self.stats = GenerationStats(len(tokens), len(tokens) - cached, cached)
        return tokens

    def stream(
        self, system: str, user: str, max_tokens: int, *, cached_system: bool = True
    ) -> Iterator[str]:
        """Text pieces as the model thread produces them. Closing this generator (the reader
        is done, cut at a deadline, or abandoned) stops the generation at its next token.
        `cached_system=False` evaluates the whole prompt (the benchmark's "no cache" figure)."""
        pieces: queue.SimpleQueue[str | BaseException | None] = queue.SimpleQueue()
        reader_gone = threading.Event()
        self._thread.submit(
            self._generate, system, user, max_tokens, cached_system, pieces, reader_gone
        )
        try:
            while (piece := pieces.get()) is not None:
                if isinstance(piece, BaseException):
                    raise piece
                yield piece
        finally:
            reader_gone.set()

    def _generate(
        self,
        system: str,
        user: str,
        max_tokens: int,
        cached_system: bool,
        pieces: queue.SimpleQueue[str | BaseException | None],
        reader_gone: threading.Event,
    ) -> None:
        try:
            if reader_gone.is_set():  # the asker left while an earlier generation held the model
                return
            tokens = self._prompt_tokens(system, user, cached_system=cached_system)
            t0 = time.perf_counter()
            completion = self.llm.create_completion(
                tokens,
                max_tokens=max_tokens,
                temperature=self.temperature,
                stream=True,
                stop=list(self.template.stop),
            )
            for chunk in completion:
                if self.stats.generated_tokens == 0:
                    self.stats.prompt_eval_ms = (time.perf_counter() - t0) * 1000
                self.stats.generated_tokens += 1
                if reader_gone.is_set():
                    completion.close()
                    return
                pieces.put(chunk["choices"][0]["text"])
        except BaseException as err:  # raised again in the reader's thread
            pieces.put(err)
        finally:
            pieces.put(None)
