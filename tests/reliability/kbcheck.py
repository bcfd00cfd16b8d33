"""What "the serving knowledge base is unchanged" and "is consistent" mean, as functions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from knowledge import db
from knowledge.answers.answerer import Answerer, AnswerSettings
from knowledge.manifest import TMP_PREFIX
from knowledge.store import KnowledgeBase

PROBE_QUESTIONS = (("강남역 전화번호 알려주세요", "ko"), ("Where is the elevator?", "en"))


@dataclass(frozen=True)
class Fingerprint:
    """The serving version and what it answers: equal before and after a refused import."""

    version: int
    answers: tuple[tuple[str, tuple[str, ...]], ...]
    phone: tuple[str, ...]


def fingerprint(root: Path) -> Fingerprint:
    kb = KnowledgeBase.open(root, None)
    try:
        answerer = Answerer(kb, AnswerSettings(station="강남"))
        answers = []
        for question, lang in PROBE_QUESTIONS:
            a = answerer.answer(question, stt_language=lang)
            answers.append((a.text, tuple(s.id for s in a.sources)))
        phone = tuple(f.text for f in kb.operator_facts("강남").phone)
        return Fingerprint(kb.version, tuple(answers), phone)
    finally:
        kb.close()


def integrity(path: Path) -> list[str]:
    """`PRAGMA integrity_check` of one SQLite file (read-only)."""
    conn = db.connect(path, readonly=True)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def leftovers(root: Path) -> list[str]:
    """Files in `versions/` that are temp files of an import (cheap; no integrity check)."""
    return sorted(p.name for p in (root / "versions").iterdir() if p.name.startswith(TMP_PREFIX))


def consistency_problems(root: Path) -> list[str]:
    """Everything wrong with a KB folder after a crash, opened as the kiosk opens it."""
    problems = []
    kb = KnowledgeBase.open(root, None)  # also removes leftovers of a killed import
    try:
        version = kb.version
        serving = root / "versions" / f"v{version:06d}.sqlite"
        if (result := integrity(root / "manifest.sqlite")) != ["ok"]:
            problems.append(f"manifest: {result[:3]}")
        if (result := integrity(serving)) != ["ok"]:
            problems.append(f"{serving.name}: {result[:3]}")
        if not kb.resolve_station("강남"):
            problems.append("serving version cannot resolve 강남")
        known = {f"v{v:06d}.sqlite" for v in kb.status()["versions"]}
    finally:
        kb.close()
    for path in (root / "versions").iterdir():
        if path.name.startswith(TMP_PREFIX) or path.name not in known:
            problems.append(f"leftover file after open: {path.name}")
    return problems
