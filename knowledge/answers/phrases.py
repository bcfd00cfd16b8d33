"""Rule-based rendering of the Korean location and walking-step phrases in the public files.

The elevator file says `역삼 방면8-1` or `10번 출입구`; the transfer file says
`(B2) 2호선 역삼 방면 승강장 하차`. These phrases are formulaic, so an English, Chinese or
Japanese passenger can be told the same fact by pattern, with station and line names taken from
the KB. A phrase no rule covers is returned unchanged (Korean): honest, if less friendly; we
never paraphrase what we cannot parse.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import languages
from knowledge.lines import LineRegistry
from languages.scripts import has_script

NameFn = Callable[[str], str]
"""Korean station name -> its name in the answer's language (identity when unknown)."""

_REG = LineRegistry()

_STEP_RULES: tuple[tuple[str, str], ...] = (
    ("platform_off_line", r"^(?P<L>\S+) (?P<X>\S+) 방면 승강장 하차$"),
    ("platform_go_line", r"^(?P<L>\S+) (?P<X>\S+) 방면 승강장으로 이동$"),
    ("platform_go", r"^(?P<X>\S+) 방면 승강장으로 이동$"),
    ("elevator_line_toward", r"^(?P<L>\S+) (?P<X>\S+) 방면 엘리베이터 탑승$"),
    ("elevator_toward", r"^(?P<X>\S+) 방면 엘리베이터 탑승$"),
    ("elevator_to_concourse", r"^대합실 방향 엘리베이터 탑승$"),
    ("elevator_to_line_concourse", r"^(?P<L>\S+) 대합실 방향 엘리베이터 탑승$"),
    ("elevator_to_line_platform", r"^(?P<L>\S+) 승강장 방향 엘리베이터 탑승$"),
    ("elevator_line_direction", r"^(?P<L>\S+) 방향 (?:환승 )?엘리베이터 탑승$"),
    ("elevator_transfer", r"^환승 엘리베이터 탑승$"),
    ("concourse_go", r"^(?:(?P<L>\S+) )?대합실로 이동$"),
    ("transfer_passage", r"^(?:(?P<L>\S+) )?(?:방향 )?환승 ?(?:통로|대합실)로 이동$"),
    ("transfer_passage_toward", r"^(?P<L>\S+) 방향 환승통로로 이동$"),
    ("board", r"^승차\s*(?:\(휠체어칸\))?$"),
    ("ticket_gates", r"^표 내는 곳 통과$"),
    ("basement_level", r"^지하 ?(?P<N>\d+)층으로 이동$"),
    ("floor_level", r"^지상 ?(?P<N>\d+)층으로 이동$"),
)
"""(rule, pattern) for the walking steps; each language renders a rule in `Language.phrases`
(a language without a rendering leaves the step in Korean)."""
_FLOOR = re.compile(r"^\((?P<F>B?\d+F?|\d+층|지하\d+층)\)\s*")
_NUMBER = re.compile(r"^\d+\)\s*")


def line_name(label: str, lang: str) -> str | None:
    line = _REG.resolve(label)
    return line.name(lang) if line else None


def render_step(step: str, lang: str, names: NameFn) -> str:
    """One walking step (`3) (B3) 환승통로로 이동`) in `lang`, or unchanged when no rule fits."""
    body = _NUMBER.sub("", step.strip())
    if lang == "ko":
        return body
    floor = ""
    if m := _FLOOR.match(body):
        floor = m.group("F").replace("층", "F").replace("지하", "B")
        body = body[m.end() :]
    rendering = languages.get(lang).phrases
    for rule, pattern in _STEP_RULES:
        m = re.match(pattern, body)
        if not m or rule not in rendering:
            continue
        values = {k: v or "" for k, v in m.groupdict().items()}
        if values.get("L"):
            named = line_name(values["L"], lang)
            if named is None:
                continue
            values["L"] = named
        if values.get("X"):
            values["X"] = names(values["X"])
        text = rendering[rule].format(
            L=values.get("L", ""), X=values.get("X", ""), N=values.get("N", "")
        )
        text = re.sub(r"\s{2,}", " ", text).strip()
        return f"({floor}) {text}" if floor else text
    return body


def render_location(location: str, lang: str, names: NameFn) -> str:
    """An elevator/toilet location in `lang`. In another language than Korean, a part no rule
    covers is left out (say less rather than mix scripts); "" when no part is left."""
    parts = [p.strip() for p in re.split(r",(?!\d)", location) if p.strip()]
    rendered = [_render_part(p, lang, names) for p in parts]
    return ", ".join(r for r in rendered if r and (lang == "ko" or not has_script(r, "hangul")))


# An exit, as the elevator file writes it: `4번 출입구`, `1-1번 출입구`, `4번 출입구(육교) 측`,
# `4번 출입구 측` (the side of exit 4): the exit is what a passenger looks for.
_EXIT = re.compile(r"(\d+(?:-\d+)?)번 출(?:입)?구(?:\s*\([^)]*\))?(?:\s*(?:측|방향|앞|중심))?")
_EXITS = re.compile(r"(\d+(?:,\s*\d+)+)번 출(?:입)?구(?:\s*(?:측|방향|중심))?")
_BETWEEN = re.compile(r"(\d+),\s*(\d+)번 출(?:입)?구 사이(?:\s*\([^)]*\))?")
_PLATFORM = re.compile(r"(\S+?)(?:\(\S+\))?\s?방면\s*(\d+-\d+)")
_INSIDE = re.compile(r"(대합실|환승통로)\s*(?:\((?P<inner>[^)]*)\)?)?")


def _render_part(part: str, lang: str, names: NameFn) -> str:
    if lang == "ko":  # passengers say 출구 and need the word 승강장 before a door number
        part = re.sub(r"(\d+)번 출입구", r"\1번 출구", part)
        return re.sub(r"(\S+?) ?방면\s*(\d+-\d+)", r"\1 방면 승강장 \2", part)
    language = languages.get(lang)
    phrases = language.phrases
    if m := _EXIT.fullmatch(part):
        return language.exit_word.format(n=m.group(1))
    if (m := _BETWEEN.fullmatch(part)) and "between_exits" in phrases:
        return phrases["between_exits"].format(a=m.group(1), b=m.group(2))
    if (m := _EXITS.fullmatch(part)) and "between_exits" in phrases:
        *first, last = re.split(r",\s*", m.group(1))
        exits = [language.exit_word.format(n=n) for n in first]
        return ", ".join([*exits, language.exit_word.format(n=last)])
    if m := _PLATFORM.fullmatch(part):
        return language.platform_toward.format(toward=names(m.group(1)), door=m.group(2))
    if m := _INSIDE.fullmatch(part):
        key = "concourse" if m.group(1) == "대합실" else "transfer_passage_place"
        if key not in phrases:
            return ""
        inner = _render_part(m.group("inner") or "", lang, names) if m.group("inner") else ""
        return f"{phrases[key]} ({inner})" if inner else phrases[key]
    return ""
