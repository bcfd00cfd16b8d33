"""A strict reader of the Prometheus text exposition format (0.0.4), for tests.

Checks what a scraper relies on: HELP/TYPE before samples, valid names and labels, numeric
values, histogram buckets cumulative and ending in +Inf equal to _count.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\\\|\\"|\\n)*"'
SAMPLE = re.compile(rf"^({NAME})(\{{(?:{LABEL})(?:,{LABEL})*\}})? (\S+)$")
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


@dataclass
class Family:
    name: str
    kind: str = "untyped"
    help: str = ""
    samples: list[tuple[str, dict[str, str], float]] = field(default_factory=list)


def parse(text: str) -> dict[str, Family]:
    assert text.endswith("\n"), "exposition must end with a newline"
    families: dict[str, Family] = {}
    current: Family | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# HELP "):
            name, _, help_text = line[7:].partition(" ")
            assert name not in families, f"line {number}: {name} declared twice"
            current = families[name] = Family(name, help=help_text)
            continue
        if line.startswith("# TYPE "):
            name, _, kind = line[7:].partition(" ")
            assert current is not None and current.name == name, f"line {number}: TYPE w/o HELP"
            assert kind in ("counter", "gauge", "histogram", "summary", "untyped")
            current.kind = kind
            continue
        assert not line.startswith("#"), f"line {number}: unexpected comment"
        match = SAMPLE.match(line)
        assert match, f"line {number}: not a sample: {line!r}"
        sample_name, labels_text, value_text = match.groups()
        assert current is not None
        base = sample_name
        if current.kind == "histogram":
            base = re.sub(r"_(bucket|sum|count)$", "", sample_name)
        assert base == current.name, f"line {number}: {sample_name} outside its family"
        value = float(value_text)  # raises on garbage; accepts +Inf, NaN
        labels = dict(LABEL_RE.findall(labels_text or ""))
        current.samples.append((sample_name, labels, value))
    for family in families.values():
        if family.kind == "histogram":
            _check_histogram(family)
    return families


def _check_histogram(family: Family) -> None:
    series: dict[tuple, list[tuple[float, float]]] = {}
    counts: dict[tuple, float] = {}
    for name, labels, value in family.samples:
        key = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
        if name.endswith("_bucket"):
            series.setdefault(key, []).append((float(labels["le"]), value))
        elif name.endswith("_count"):
            counts[key] = value
    for key, buckets in series.items():
        bounds = [b for b, _ in buckets]
        assert bounds == sorted(bounds) and math.isinf(bounds[-1]), f"{family.name}{key} bounds"
        values = [v for _, v in buckets]
        assert values == sorted(values), f"{family.name}{key} buckets not cumulative"
        assert values[-1] == counts[key], f"{family.name}{key} +Inf != _count"


def value(families: dict[str, Family], sample: str, **labels: str) -> float:
    base = re.sub(r"_(bucket|sum|count)$", "", sample)
    family = families.get(sample) or families[base]
    for name, got, val in family.samples:
        if name == sample and got == labels:
            return val
    raise KeyError(f"{sample}{labels}")
