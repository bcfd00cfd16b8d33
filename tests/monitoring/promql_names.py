"""The series selectors a PromQL expression reads, found by a real PromQL parser."""

from __future__ import annotations

import re
from dataclasses import dataclass

import promql_parser

GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}
"""Grafana replaces these before Prometheus sees the query; any value parses the same way."""

_LABEL_VALUES = re.compile(r"^label_values\((?P<selector>.+),\s*(?P<label>[A-Za-z_]\w*)\)$")


@dataclass(frozen=True)
class Selector:
    metric: str
    labels: frozenset[str]
    """Label names the selector matches on."""


def selectors(expr: str) -> list[Selector]:
    """Every vector selector in `expr` (also those inside functions and range vectors)."""
    for name, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(name, value)
    found: list[Selector] = []

    def visit(node: object) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            assert node.name, f"selector without a metric name in {expr!r}"
            labels = frozenset(m.name for m in node.matchers.matchers) - {"__name__"}
            found.append(Selector(node.name, labels))
        return True

    promql_parser.walk(promql_parser.parse(expr), visit)
    return found


def grafana_variable_selectors(query: str) -> list[Selector]:
    """A `label_values(selector, label)` variable query reads `selector` and its `label`."""
    match = _LABEL_VALUES.match(query.strip())
    assert match, f"unsupported variable query {query!r}"
    found = selectors(match["selector"])
    return [Selector(s.metric, s.labels | {match["label"]}) for s in found]
