"""Operator files: per-station YAML (exits, toilets, lockers, ...) and notices, JSON-Schema checked.

Every value must say where it comes from: `source:` (a public record) or `example: true` (a
placeholder an operator must replace). The schema enforces it, so nothing unsourced slips in.
Errors point at file, line and field using the YAML node marks. Format: knowledge/data/FORMAT.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from yaml.composer import ComposerError

import languages
from knowledge.dataset import Dataset, FactRec
from knowledge.records import Issue, Notice

SCHEMA_DIR = Path(__file__).parent / "schemas"
SECTIONS = {
    "exits": "exit",
    "toilets": "toilet",
    "lockers": "locker",
    "lost_and_found": "lost_and_found",
    "phone": "phone",
    "first_last_trains": "first_last_train",
    "fares": "fare",
    "accessibility": "accessibility",
}


def _schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


MAX_YAML_DEPTH = 64
"""Nesting an operator file never needs; 50,000 `[` hit Python's recursion limit (a 500)."""


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 surprises: `05:30` stays a string (not 330, base 60) and
    timestamps stay strings, so JSON Schema sees what the operator typed. Nesting deeper
    than `MAX_YAML_DEPTH` is a YAML error with a line, not a crash."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise ComposerError(None, None, f"nested deeper than {MAX_YAML_DEPTH} levels", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(0|[1-9][0-9_]*)$"), list("-+0123456789")
)
for _first, _resolvers in _Loader.yaml_implicit_resolvers.items():
    _Loader.yaml_implicit_resolvers[_first] = [
        (tag, rx)
        for tag, rx in _resolvers
        if tag != "tag:yaml.org,2002:int" or rx.pattern.startswith("^[-+]?(0|")
    ]


MAX_YAML_NODES = 100_000
"""Nodes visited (aliases expanded) before a document counts as too complex: a few hundred
bytes of nested aliases ("billion laughs") would otherwise stall validation for hours."""


def load_yaml(path: Path, issues: list[Issue]) -> tuple[Any, yaml.Node | None]:
    """Parse YAML keeping the node tree for line numbers; syntax errors become issues.

    Duplicate keys are errors, not YAML's silent last-one-wins: an operator who pastes a second
    `phone:` under the first must be told, not have the first one vanish.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        issues.append(_encoding_issue(path.name, path.read_bytes(), err))
        return None, None
    try:
        node = yaml.compose(text, Loader=_Loader)
        problems = _node_problems(path.name, node)
        if problems:
            issues.extend(problems)
            return None, None
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        issues.append(Issue(path.name, (mark.line + 1) if mark else 1, "-", f"YAML: {err}"))
        return None, None
    return data, node


def _encoding_issue(name: str, raw: bytes, err: UnicodeDecodeError) -> Issue:
    line = raw.count(b"\n", 0, err.start) + 1
    return Issue(
        name,
        line,
        "encoding",
        f"not UTF-8 (byte 0x{raw[err.start]:02x}); save the file as UTF-8, not CP949/EUC-KR",
    )


def _node_problems(name: str, root: yaml.Node | None) -> list[Issue]:
    """Duplicate mapping keys, and documents too large once aliases are expanded."""
    issues: list[Issue] = []
    stack = [root] if root is not None else []
    visited = 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > MAX_YAML_NODES:
            return [Issue(name, 1, "-", "document too large or too deeply aliased")]
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    line = key.start_mark.line + 1
                    if key.value in first:
                        issues.append(
                            Issue(
                                name,
                                line,
                                key.value,
                                f"duplicate key (first at line {first[key.value]})",
                            )
                        )
                    else:
                        first[key.value] = line
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return issues


def _line_of(node: yaml.Node | None, path: list[Any]) -> int:
    """1-based line of the node at `path` (JSON-pointer-like), or of its nearest parent."""
    line = (node.start_mark.line + 1) if node is not None else 1
    for step in path:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == step), None)
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value)
        ):
            child = node.value[step]
        else:
            child = None
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def validate_doc(path: Path, data: Any, node: yaml.Node | None, schema: dict) -> list[Issue]:
    """Schema problems and text no passenger should hear, for every path operator data takes
    (YAML files, the JSON admin API): one validation, so they cannot disagree."""
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    issues = []
    for err in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = list(err.absolute_path)
        field = ".".join(str(p) for p in where) or "(document)"
        issues.append(Issue(path.name, _line_of(node, where), field, err.message))
    for where, char in _bad_characters(data, []):
        field = ".".join(str(p) for p in where) or "(document)"
        message = f"character U+{ord(char):04X} is not text (a control character or half a pair)"
        issues.append(Issue(path.name, _line_of(node, where), field, message))
    return issues


def _bad_characters(value: Any, where: list[Any]) -> Iterator[tuple[list[Any], str]]:
    """(path, first bad character) of every string holding a control character other than
    tab and newline (NUL broke every answer that used it; ESC, BEL and CR reach the voice and
    the screen) or a lone surrogate."""
    if isinstance(value, str):
        bad = next((c for c in value if _not_text(c)), None)
        if bad is not None:
            yield where, bad
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _bad_characters(key, where)
            yield from _bad_characters(item, [*where, key])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _bad_characters(item, [*where, i])


def _not_text(char: str) -> bool:
    code = ord(char)
    control = (code < 0x20 and char not in "\t\n") or 0x7F <= code <= 0x9F
    return control or 0xD800 <= code <= 0xDFFF


def _texts(value: dict[str, str] | str) -> dict[str, str]:
    if isinstance(value, str):
        return {"ko": value}
    return {k: v for k, v in value.items() if k in languages.codes() and v}


def parse_operator_file(path: Path, ds: Dataset, complex_keys: set[str]) -> None:
    """An operator file: a station's facts, or (`schema: kiosk-places/1`) everyday names."""
    data, node = load_yaml(path, ds.issues)
    if data is None:
        return
    if isinstance(data, dict) and data.get("schema") == "kiosk-places/1":
        _parse_places(path, data, node, ds, complex_keys)
    else:
        _parse_station(path, data, node, ds, complex_keys)


def _parse_places(
    path: Path, data: Any, node: yaml.Node | None, ds: Dataset, complex_keys: set[str]
) -> None:
    """Nicknames, landmarks and short forms; a name of several stations stays ambiguous
    (`shared`): the kiosk asks which one rather than pick."""
    problems = validate_doc(path, data, node, _schema("places.schema.json"))
    for n, place in enumerate(data.get("places") or [] if not problems else []):
        for m, station in enumerate(place["stations"]):
            if station not in complex_keys:
                where = _line_of(node, ["places", n, "stations", m])
                problems.append(Issue(path.name, where, f"places.{n}.stations", "unknown station"))
    if problems:
        ds.issues.extend(problems)
        return
    for place in data["places"]:
        kind = "shared" if len(place["stations"]) > 1 else "place"
        for lang, names in place["names"].items():
            if lang not in languages.codes():
                continue
            for station in place["stations"]:
                ds.aliases.extend((station, lang, name, kind) for name in names)


def _parse_station(
    path: Path, data: Any, node: yaml.Node | None, ds: Dataset, complex_keys: set[str]
) -> None:
    """Add the facts of one operator station file to `ds` (or issues, and nothing else)."""
    problems = validate_doc(path, data, node, _schema("operator_station.schema.json"))
    if not problems and data.get("station") not in complex_keys:
        problems.append(Issue(path.name, _line_of(node, ["station"]), "station", "unknown station"))
    if problems:
        ds.issues.extend(problems)
        return
    station, slug = data["station"], data["id"]
    for lang, names in (data.get("aliases") or {}).items():
        ds.aliases.extend((station, lang, a, "alias") for a in names)
    for section, kind in SECTIONS.items():
        items = data.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            items = [items]
        for n, item in enumerate(items, 1):
            ds.facts.append(_operator_fact(path, station, slug, kind, n, item, data))


def _operator_fact(
    path: Path, station: str, slug: str, kind: str, n: int, item: Any, doc: dict
) -> FactRec:
    words = {lang.code: lang.kind_words.get(kind, kind) for lang in languages.all()}
    texts = _texts(item.get("text", "")) if isinstance(item, dict) else {"ko": str(item)}
    if kind == "exit":
        texts = {
            lang: f"{item['number']}{'번 출구' if lang == 'ko' else ''}: {t}"
            for lang, t in _texts(item["landmarks"]).items()
        }
        if "ko" not in texts:
            texts["ko"] = f"{item['number']}번 출구"
    elif kind == "first_last_train":
        times = ", ".join(f"{day} {v['first']}–{v['last']}" for day, v in item["times"].items())
        texts = {"ko": f"{item['line']} {item['direction']}: {times}"}
        texts["en"] = f"Line {item['line']} toward {item['direction']}: {times}"
    full = {lang: f"{station} {words[lang]}: {t}" for lang, t in texts.items()}
    example = (
        bool(item.get("example", doc.get("example", False))) if isinstance(item, dict) else False
    )
    data = {"item": item, "example": example, "file": path.name}
    if isinstance(item, dict) and item.get("source"):
        data["source"] = item["source"]
    line_id = str(item.get("line")) if isinstance(item, dict) and item.get("line") else None
    return FactRec(f"op:{slug}:{kind}:{n}", kind, None, line_id, full, data, complex_key=station)


def _dt(value: Any) -> datetime | None:
    if value is None:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def parse_notices_file(path: Path, ds: Dataset) -> None:
    data, node = load_yaml(path, ds.issues)
    if data is None:
        return
    problems = validate_doc(path, data, node, _schema("notices.schema.json"))
    if problems:
        ds.issues.extend(problems)
        return
    for i, body in enumerate(data["notices"]):
        try:
            notice_from_dict(body)
        except ValueError as err:
            ds.issues.append(
                Issue(path.name, _line_of(node, ["notices", i]), "active_period", str(err))
            )
            continue
        ds.notices.append(body)


def validate_notice(body: dict) -> list[Issue]:
    return validate_doc(Path("notice"), {"notices": [body]}, None, _schema("notices.schema.json"))


def notice_from_dict(body: dict, origin: str = "operator") -> Notice:
    """A Notice from its validated dict; datetimes without a zone are rejected (ambiguous)."""
    periods = body.get("active_period") or [{}]
    starts = [_dt(p.get("start")) for p in periods]
    ends = [_dt(p.get("end")) for p in periods]
    for t in (*starts, *ends):
        if t is not None and t.tzinfo is None:
            raise ValueError("times need a UTC offset, e.g. 2026-05-01T18:00:00+09:00")
    start = None if any(s is None for s in starts) else min(starts)  # type: ignore[type-var]
    end = None if any(e is None for e in ends) else max(ends)  # type: ignore[type-var]
    return Notice(
        id=str(body["id"]),
        cause=body.get("cause", "UNKNOWN_CAUSE"),
        effect=body.get("effect", "UNKNOWN_EFFECT"),
        start=start,
        end=end,
        informed=tuple({k: str(v) for k, v in e.items()} for e in body["informed_entity"]),
        header=_texts(body["header_text"]),
        spoken=_texts(body.get("tts_header_text") or body["header_text"]),
        example=bool(body.get("example", False)),
        periods=tuple(zip(starts, ends, strict=True)),
        origin=origin,
    )
