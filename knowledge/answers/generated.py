"""The LLM's part of an answer: retrieved passages in, only grounded sentences out.

A generated sentence is spoken only if it is plausible against its passages and passes the
grounding checker's thorough check; the first that is not ends the generated answer (the caller
then falls back to "no information").
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from knowledge.answers.grounding import GroundingChecker
from knowledge.answers.llm import NO_INFO, LlmAnswerer, copies_prompt
from knowledge.answers.plausibility import plausible
from knowledge.answers.types import Source
from knowledge.records import StationComplex

logger = logging.getLogger(__name__)


def grounded_sentences(
    llm: LlmAnswerer,
    kb: Any,
    grounding: GroundingChecker,
    *,
    question: str,
    lang: str,
    station: StationComplex | None,
    k: int,
    sources: list[Source],
    mark: Callable[[str, float], float],
) -> Iterator[str]:
    """Yield only grounded sentences; stop at the first that is not grounded. The passages
    are appended to `sources` once the first sentence is accepted; `mark(stage, since)`
    records the stage timings (retrieve, llm_first_sentence, llm)."""
    t = time.perf_counter()
    passages = kb.search(question, lang, station=station, k=k)
    passages = [p for p in passages if llm.can_read(p.text)]
    t = mark("retrieve", t)
    if not passages:
        return
    found = [Source(p.source_id, p.text) for p in passages]
    passages_text = " ".join(p.text for p in passages)
    allowed = [station.key] if station is not None else []
    first = True
    for sentence in _until_failure(llm.sentences(question, [p.text for p in passages], lang)):
        if NO_INFO in sentence:
            logger.info("llm answered no-info")
            break
        if copies_prompt(sentence):
            logger.warning("llm sentence copies its prompt")
            break
        if not plausible(sentence, passages_text):
            logger.warning("llm sentence shares no content word with the passages")
            break
        check = grounding.check(sentence, found, lang, allowed_stations=allowed, thorough=True)
        if not check.ok:
            logger.warning("llm sentence failed grounding: %s", ",".join(check.unsupported))
            break
        if first:
            mark("llm_first_sentence", t)
            first = False
            sources.extend(found)
        yield sentence
    mark("llm", t)


def _until_failure(sentences: Iterator[str]) -> Iterator[str]:
    """The model's sentences until it fails: a crashing LLM ends the generated part of an
    answer (the caller then gives the canned reply), never the passenger's turn."""
    try:
        yield from sentences
    except Exception as err:
        logger.error("llm failed mid-answer [%s]; falling back", type(err).__name__)
