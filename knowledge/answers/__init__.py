"""Grounded answers in ko/en/zh/ja: understand -> structured answer | retrieval + LLM -> grounding.

Entry point: `Answerer(kb, AnswerSettings(...), llm=None).answer(question, ...)` or `.stream(...)`.
"""

from knowledge.answers.answerer import Answerer, AnswerSettings
from knowledge.answers.types import Answer, AnswerStream, Context, Intent, Outcome, Source

__all__ = [
    "Answer",
    "AnswerSettings",
    "AnswerStream",
    "Answerer",
    "Context",
    "Intent",
    "Outcome",
    "Source",
]
