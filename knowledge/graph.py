"""Line graph: nodes are station codes (one per line), edges are published line edges plus
transfers between codes of the same complex. Routes are Dijkstra with a transfer penalty."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from knowledge.lines import Line
from knowledge.records import Leg, Route, StationComplex

PENALTY = {"fewest_stops": 1.0, "fewest_transfers": 1000.0}
"""Cost of one transfer in stops. `fewest_stops` still charges one stop per transfer (a walk is
not free), `fewest_transfers` makes any transfer dearer than any number of stops."""


@dataclass(frozen=True, slots=True)
class _Node:
    code: str
    line_id: str
    complex: str


class LineGraph:
    def __init__(
        self,
        nodes: list[tuple[str, str, str]],
        edges: list[tuple[str, str, str, str]],
        complex_of: Callable[[str], StationComplex],
        line_of: Callable[[str], Line],
    ) -> None:
        """`nodes` are (code, line_id, complex key); `edges` are (line_id, a, b, source_id)."""
        self._nodes = {code: _Node(code, line_id, cx) for code, line_id, cx in nodes}
        self._adj: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for _line_id, a, b, sid in edges:
            if a in self._nodes and b in self._nodes:
                self._adj[a].append((b, sid))
                self._adj[b].append((a, sid))
        self._by_complex: dict[str, list[str]] = defaultdict(list)
        for node in self._nodes.values():
            self._by_complex[node.complex].append(node.code)
        self._complex_of = complex_of
        self._line_of = line_of
        self._onto_branch: dict[tuple[str, str], bool] = {}
        """(fork, next code) -> `_leaves_trunk`: the graph does not change, routes repeat."""

    def codes(self, complex_key: str) -> list[str]:
        return list(self._by_complex.get(complex_key, []))

    def line_ids(self, complex_key: str) -> list[str]:
        return [self._nodes[c].line_id for c in self._by_complex.get(complex_key, [])]

    def neighbours(self, complex_key: str, line_id: str | None = None) -> list[tuple[str, str]]:
        """(line_id, neighbour complex key) for each direction out of the complex."""
        out = []
        for code in self._by_complex.get(complex_key, []):
            if line_id and self._nodes[code].line_id != line_id:
                continue
            for nxt, _ in self._adj.get(code, []):
                out.append((self._nodes[code].line_id, self._nodes[nxt].complex))
        return out

    def route(self, a: str, b: str, prefer: str = "fewest_transfers") -> Route | None:
        if prefer not in PENALTY:
            raise ValueError(f"prefer must be one of {sorted(PENALTY)}")
        starts, goals = self.codes(a), set(self.codes(b))
        if not starts or not goals:
            return None
        if a == b:
            return Route(())
        penalty = PENALTY[prefer]
        dist: dict[str, float] = {}
        prev: dict[str, tuple[str, str | None]] = {}
        heap = [(0.0, code) for code in starts]
        for code in starts:
            dist[code] = 0.0
        heapq.heapify(heap)
        end = None
        while heap:
            d, code = heapq.heappop(heap)
            if d > dist.get(code, float("inf")):
                continue
            if code in goals:
                end = code
                break
            node = self._nodes[code]
            steps = [(n, sid, 1.0) for n, sid in self._adj.get(code, [])]
            steps += [(n, None, penalty) for n in self._by_complex[node.complex] if n != code]
            for nxt, sid, cost in steps:
                if node.complex == a and sid is None:
                    continue  # starting line is free to choose; no transfer at the origin
                nd = d + cost
                if nd < dist.get(nxt, float("inf")):
                    dist[nxt] = nd
                    prev[nxt] = (code, sid)
                    heapq.heappush(heap, (nd, nxt))
        if end is None:
            return None
        path: list[tuple[str, str | None]] = [(end, None)]
        while path[-1][0] in prev:
            path.append(prev[path[-1][0]])
        path.reverse()  # [(code, edge sid used to leave it), ...]
        return Route(tuple(self._legs(path)))

    def _legs(self, path: list[tuple[str, str | None]]) -> list[Leg]:
        legs: list[Leg] = []
        i = 0
        while i < len(path) - 1:
            code, sid = path[i]
            if sid is None:  # a transfer walk between codes of one complex
                i += 1
                continue
            start = code
            sids = [f"station:{start}"]
            j = i
            while j < len(path) - 1 and path[j][1] is not None:
                sids.append(path[j][1] or "")
                j += 1
            stop = path[j][0]
            sids.append(f"station:{stop}")
            nxt = path[i + 1][0]
            line = self._line_of(self._nodes[start].line_id)
            nxt_cx = self._complex_of(self._nodes[nxt].complex)
            forks, end = self._branch(path[i : j + 1])
            legs.append(
                Leg(
                    line=line,
                    from_station=self._complex_of(self._nodes[start].complex),
                    to_station=self._complex_of(self._nodes[stop].complex),
                    stops=j - i,
                    toward=nxt_cx.names["ko"],
                    source_ids=tuple(sids),
                    next_station=nxt_cx,
                    passes_fork=forks,
                    bound_for=self._complex_of(self._nodes[end].complex) if end else None,
                    bound_for_code=end or "",
                )
            )
            i = j
        return legs

    def _branch(self, ride: list[tuple[str, str | None]]) -> tuple[bool, str | None]:
        """Whether a ride (path entries of one line) passes a fork of its line, and then the
        code of the line's end it heads for (None when the line forks again, or loops)."""
        codes = [code for code, _ in ride]
        onto_branch = any(
            len(self._ahead(here)) > 2 and self._leaves_trunk(here, nxt)
            for here, nxt in itertools.pairwise(codes)
        )
        if not onto_branch:
            return False, None
        behind, here = codes[-2], codes[-1]
        seen = {here}
        while True:
            ahead = self._ahead(here) - {behind}
            if not ahead:
                return True, here
            if len(ahead) > 1 or next(iter(ahead)) in seen:
                return True, None
            behind, here = here, next(iter(ahead))
            seen.add(here)

    def _leaves_trunk(self, fork: str, toward: str) -> bool:
        """Leaving `fork` toward `toward` turns onto a branch: not the side with the most
        stations behind it (the trunk, where trains from every branch run), and not round a
        loop (Line 2's circle, whose trains pass the fork)."""
        key = (fork, toward)
        if key not in self._onto_branch:
            self._onto_branch[key] = self._turns_onto_branch(fork, toward)
        return self._onto_branch[key]

    def _turns_onto_branch(self, fork: str, toward: str) -> bool:
        sides = {n: self._beyond(fork, n) for n in self._ahead(fork)}
        if fork in sides[toward]:
            return False  # a loop back to the fork
        return len(sides[toward]) < max(len(side) for side in sides.values())

    def _beyond(self, fork: str, start: str) -> set[str]:
        """Codes reachable from `start` without passing through `fork` (plus `fork` itself when
        a loop leads back to it)."""
        seen, todo = {start}, [start]
        while todo:
            code = todo.pop()
            for n in self._ahead(code):
                if n == fork and code != start:
                    seen.add(fork)
                elif n != fork and n not in seen:
                    seen.add(n)
                    todo.append(n)
        return seen

    def _ahead(self, code: str) -> set[str]:
        return {n for n, _ in self._adj.get(code, [])}
