"""The LLM as a reader, not a writer: a question the rules could not read is turned into a
structured query (intent, from, to, line) under a llama.cpp grammar.

The grammar is built per question: every place or line the model may write is a run of the
question's own words, so it cannot name a station the passenger did not say. What it writes
is then validated against the knowledge base by `read_with_llm` (a place must resolve to one
station, surely) and answered by the same templates as a rule-read question, so the model can
never add a fact. It is asked only when the rules did not yield a complete query.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from typing import Any, Protocol

from knowledge.answers.question_text import says_here
from knowledge.answers.types import Intent
from knowledge.answers.understand import SURE_STATION, Understood
from knowledge.records import StationComplex
from languages.scripts import script_of

logger = logging.getLogger(__name__)

INTENTS = {
    "route": Intent.ROUTE,
    "lines": Intent.LINES,
    "elevator": Intent.ELEVATOR,
    "toilet": Intent.TOILET,
    "exit": Intent.EXIT,
    "transfer": Intent.TRANSFER,
    "other": None,
}
NONE = "none"
MAX_WORDS = 4
"""Longest run of the question's words the model may give as a place ("Incheon Intl Airport T1")."""
MAX_CJK_CHARS = 9
"""Longest run of Korean, Japanese or Chinese characters the model may give as a place
("동대문역사문화공원", "東大門歴史文化公園")."""
CJK_SCRIPTS = ("hangul", "kana", "han")

SYSTEM_PROMPT = (
    "You turn a subway passenger's question into a query. intent is one of: route (how to get "
    "to a place), lines (which lines stop at a station), elevator, toilet, exit, transfer "
    "(change to a line), other. from and to are words copied from the question naming stations "
    "or places, or none, in the question's own language and script. line is words naming a "
    "subway line, or none.\n"
    "Examples:\n"
    'Q: How do I get to Jamsil? A: {"intent": "route", "from": "none", "to": "Jamsil", '
    '"line": "none"}\n'
    'Q: From Gangnam to Hapjeong, which train? A: {"intent": "route", "from": "Gangnam", '
    '"to": "Hapjeong", "line": "none"}\n'
    'Q: What lines stop at Sadang? A: {"intent": "lines", "from": "none", "to": "Sadang", '
    '"line": "none"}\n'
    'Q: 강남역에서 잠실까지 어떻게 가요? A: {"intent": "route", "from": "강남역", "to": "잠실", '
    '"line": "none"}\n'
    'Q: 蚕室站的电梯在哪里？ A: {"intent": "elevator", "from": "none", "to": "蚕室站", '
    '"line": "none"}\n'
    'Q: サダン駅は何線ですか A: {"intent": "lines", "from": "none", "to": "サダン駅", '
    '"line": "none"}\n'
    'Q: Where do I change to Line 3? A: {"intent": "transfer", "from": "none", "to": "none", '
    '"line": "Line 3"}\n'
    'Q: Will it snow today? A: {"intent": "other", "from": "none", "to": "none", '
    '"line": "none"}'
)


class GrammarGenerator(Protocol):
    """What the reader needs from a model (`voice.llm.LlamaGenerator` matches it)."""

    def complete(self, system: str, user: str, max_tokens: int, grammar: str) -> str: ...


@dataclass(frozen=True, slots=True)
class LlmQuery:
    """What the model read; words are the passenger's own, not yet checked against the KB."""

    intent: Intent | None
    origin: str | None
    destination: str | None
    line: str | None


def word_runs(question: str, max_words: int = MAX_WORDS) -> list[str]:
    """Every run of 1..`max_words` consecutive words of `question` (Latin letters and digits),
    and every run of 1..`MAX_CJK_CHARS` characters inside its Korean, Japanese or Chinese
    text: those languages glue particles to names ("강남역까지", "江南駅まで") or use no spaces
    at all, so a name is a part of a word, never a whole one."""
    words = re.findall(r"[A-Za-z0-9][A-Za-z0-9'\-.]*", question)
    runs = {
        " ".join(words[i : i + n]).rstrip(".")
        for n in range(1, max_words + 1)
        for i in range(len(words) - n + 1)
    }
    for chunk in _cjk_chunks(question):
        runs |= {
            chunk[i : i + n] for n in range(1, MAX_CJK_CHARS + 1) for i in range(len(chunk) - n + 1)
        }
    return sorted(run for run in runs if run)


def _cjk_chunks(text: str) -> list[str]:
    """Maximal runs of Hangul, kana and Han characters."""
    chunks, current = [], ""
    for ch in text:
        if script_of(ch) in CJK_SCRIPTS:
            current += ch
        elif current:
            chunks.append(current)
            current = ""
    return [*chunks, current] if current else chunks


def query_grammar(question: str) -> str:
    """GBNF for `{"intent": ..., "from": ..., "to": ..., "line": ...}` whose strings are
    "none" or runs of the question's words."""
    # Korean, Japanese and Chinese stay as they are written: as \uXXXX escapes the model would
    # have to spell a name in hex codes, which it cannot read.
    quoted = [
        json.dumps(json.dumps(run, ensure_ascii=False), ensure_ascii=False)
        for run in [NONE, *word_runs(question)]
    ]
    intents = " | ".join(json.dumps(json.dumps(name)) for name in INTENTS)

    def key(name: str, rule: str, last: bool = False) -> str:
        return f'"\\"{name}\\": " {rule}' + ("" if last else ' ", "')

    fields = [key("intent", "intent"), key("from", "words"), key("to", "words")]
    fields.append(key("line", "words", last=True))
    root = 'root ::= "{" ' + " ".join(fields) + ' "}"'
    return "\n".join([root, f"intent ::= {intents}", f"words ::= {' | '.join(quoted)}"])


def parse_query(text: str) -> LlmQuery | None:
    """The model's JSON as a query, or None when it is not what the grammar allows."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or data.get("intent") not in INTENTS:
        return None

    def words(name: str) -> str | None:
        value = data.get(name)
        return value if isinstance(value, str) and value and value != NONE else None

    return LlmQuery(INTENTS[data["intent"]], words("from"), words("to"), words("line"))


class QueryReader:
    """Asks the model for a query; None when it fails or its output does not parse."""

    def __init__(
        self, generator: GrammarGenerator, languages: tuple[str, ...] = ("en",), max_tokens=48
    ) -> None:
        self.generator = generator
        self.languages = languages
        self.max_tokens = max_tokens
        self._last: tuple[str, LlmQuery | None] | None = None
        """The last question and its reading: the speculative transcript is read once, and the
        same words at the endpoint do not ask the model again."""

    def supports(self, lang: str) -> bool:
        return lang in self.languages

    def read(self, question: str) -> LlmQuery | None:
        question = question.strip()[:300]  # a question, not a document
        if self._last is not None and self._last[0] == question:
            return self._last[1]
        try:
            text = self.generator.complete(
                SYSTEM_PROMPT, question, self.max_tokens, query_grammar(question)
            )
        except (RuntimeError, ValueError) as err:
            logger.warning("llm query reader failed: %s", err)
            return None
        query = parse_query(text)
        self._last = (question, query)
        return query


def read_with_llm(
    reader: QueryReader,
    understander: Any,
    understood: Understood,
    question: str,
    here: StationComplex | None,
) -> Understood | None:
    """The rules' reading completed by the model's, or None when the model's is not safe to
    use: every place it names must resolve to one station surely, a trip needs a destination,
    and a question that named a place the rules did not know is answered for here only when it
    says "here" itself ("switch to Line 5 at this station")."""
    query = reader.read(question)
    if query is None or query.intent is None:
        return None
    kb, lang = understander.kb, understood.lang
    places: dict[str, StationComplex | None] = {}
    for words in (query.origin, query.destination):
        if words is None:
            continue
        match = kb.best_station(words, lang)
        if match is None or match.confidence < SURE_STATION or match.others:
            return None  # a place the model read that the KB cannot name for sure
        places[words] = match.complex
    origin = places.get(query.origin) if query.origin else None
    destination = places.get(query.destination) if query.destination else None
    lines = understander.lines.find(query.line.lower(), lang) if query.line else []
    if query.line and not lines:
        return None
    if understood.unresolved_place and not places and not says_here(question, lang):
        return None
    intent = query.intent
    if intent is Intent.ROUTE:
        origin = origin or here
        if destination is None or origin is None or destination.key == origin.key:
            return None
        subject = origin
    else:
        subject = destination or origin or here
        origin = destination = None
    if intent is Intent.TRANSFER and not lines:
        intent = Intent.LINES  # "can I change lines at X": X's lines
    if subject is None:
        return None
    return replace(
        understood,
        intent=intent,
        origin=origin,
        destination=destination,
        subject=subject,
        lines=lines or understood.lines,
        in_scope=True,
        unresolved_place=False,
        heard_place=None,
        facility={Intent.ELEVATOR: "elevator", Intent.TOILET: "toilet", Intent.EXIT: "exit"}.get(
            intent
        ),
    )


def needs_reading(u: Understood) -> bool:
    """The rules found no intent, or a place they could not name: the model may read it."""
    if u.intent in (Intent.REFUSED, Intent.REPEAT):
        return False
    return u.intent is Intent.UNKNOWN or u.unresolved_place
