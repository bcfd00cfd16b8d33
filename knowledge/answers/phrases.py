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

from knowledge.answers.templates import EXIT_WORD, PLATFORM_TOWARD
from knowledge.lines import LineRegistry

NameFn = Callable[[str], str]
"""Korean station name -> its name in the answer's language (identity when unknown)."""

_REG = LineRegistry()

_WORDS: dict[str, dict[str, str]] = {
    "concourse": {"en": "the concourse", "zh": "站厅", "ja": "コンコース"},
    "transfer passage": {"en": "the transfer passage", "zh": "换乘通道", "ja": "乗り換え通路"},
    "platform": {"en": "platform", "zh": "站台", "ja": "ホーム"},
}

_STEP_RULES: list[tuple[str, dict[str, str]]] = [
    (
        r"^(?P<L>\S+) (?P<X>\S+) 방면 승강장 하차$",
        {
            "en": "Get off at the {L} platform toward {X}",
            "zh": "在{L}往{X}方向站台下车",
            "ja": "{L}の{X}方面ホームで降ります",
        },
    ),
    (
        r"^(?P<L>\S+) (?P<X>\S+) 방면 승강장으로 이동$",
        {
            "en": "Go to the {L} platform toward {X}",
            "zh": "前往{L}往{X}方向站台",
            "ja": "{L}の{X}方面ホームへ移動します",
        },
    ),
    (
        r"^(?P<X>\S+) 방면 승강장으로 이동$",
        {
            "en": "Go to the platform toward {X}",
            "zh": "前往往{X}方向站台",
            "ja": "{X}方面ホームへ移動します",
        },
    ),
    (
        r"^(?P<L>\S+) (?P<X>\S+) 방면 엘리베이터 탑승$",
        {
            "en": "Take the elevator for {L} toward {X}",
            "zh": "乘坐{L}往{X}方向的电梯",
            "ja": "{L}の{X}方面行きエレベーターに乗ります",
        },
    ),
    (
        r"^(?P<X>\S+) 방면 엘리베이터 탑승$",
        {
            "en": "Take the elevator toward {X}",
            "zh": "乘坐往{X}方向的电梯",
            "ja": "{X}方面行きエレベーターに乗ります",
        },
    ),
    (
        r"^대합실 방향 엘리베이터 탑승$",
        {
            "en": "Take the elevator to the concourse",
            "zh": "乘坐去站厅的电梯",
            "ja": "コンコース行きエレベーターに乗ります",
        },
    ),
    (
        r"^(?P<L>\S+) 대합실 방향 엘리베이터 탑승$",
        {
            "en": "Take the elevator to the {L} concourse",
            "zh": "乘坐去{L}站厅的电梯",
            "ja": "{L}コンコース行きエレベーターに乗ります",
        },
    ),
    (
        r"^(?P<L>\S+) 승강장 방향 엘리베이터 탑승$",
        {
            "en": "Take the elevator to the {L} platform",
            "zh": "乘坐去{L}站台的电梯",
            "ja": "{L}ホーム行きエレベーターに乗ります",
        },
    ),
    (
        r"^(?P<L>\S+) 방향 (?:환승 )?엘리베이터 탑승$",
        {
            "en": "Take the elevator toward {L}",
            "zh": "乘坐往{L}方向的电梯",
            "ja": "{L}方向のエレベーターに乗ります",
        },
    ),
    (
        r"^환승 엘리베이터 탑승$",
        {
            "en": "Take the transfer elevator",
            "zh": "乘坐换乘电梯",
            "ja": "乗り換え用エレベーターに乗ります",
        },
    ),
    (
        r"^(?:(?P<L>\S+) )?대합실로 이동$",
        {"en": "Go to the {L} concourse", "zh": "前往{L}站厅", "ja": "{L}コンコースへ移動します"},
    ),
    (
        r"^(?:(?P<L>\S+) )?(?:방향 )?환승 ?(?:통로|대합실)로 이동$",
        {
            "en": "Go through the transfer passage {L}",
            "zh": "经换乘通道{L}",
            "ja": "乗り換え通路{L}へ移動します",
        },
    ),
    (
        r"^(?P<L>\S+) 방향 환승통로로 이동$",
        {
            "en": "Go through the transfer passage toward {L}",
            "zh": "经换乘通道前往{L}",
            "ja": "{L}方向の乗り換え通路へ移動します",
        },
    ),
    (
        r"^승차\s*(?:\(휠체어칸\))?$",
        {
            "en": "Board the train (wheelchair car)",
            "zh": "上车（轮椅车厢）",
            "ja": "乗車します（車いすスペース）",
        },
    ),
    (
        r"^표 내는 곳 통과$",
        {"en": "Pass through the ticket gates", "zh": "通过检票口", "ja": "改札を通ります"},
    ),
    (
        r"^지하 ?(?P<N>\d+)층으로 이동$",
        {"en": "Go to basement level {N}", "zh": "前往地下{N}层", "ja": "地下{N}階へ移動します"},
    ),
    (
        r"^지상 ?(?P<N>\d+)층으로 이동$",
        {"en": "Go to floor {N}", "zh": "前往地上{N}层", "ja": "地上{N}階へ移動します"},
    ),
]
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
    for pattern, out in _STEP_RULES:
        m = re.match(pattern, body)
        if not m:
            continue
        values = {k: v or "" for k, v in m.groupdict().items()}
        if values.get("L"):
            named = line_name(values["L"], lang)
            if named is None:
                continue
            values["L"] = named
        if values.get("X"):
            values["X"] = names(values["X"])
        text = out[lang].format(L=values.get("L", ""), X=values.get("X", ""), N=values.get("N", ""))
        text = re.sub(r"\s{2,}", " ", text).strip()
        return f"({floor}) {text}" if floor else text
    return body


def render_location(location: str, lang: str, names: NameFn) -> str:
    """An elevator/toilet location in `lang`; unparsed parts stay in Korean."""
    parts = [p.strip() for p in re.split(r",(?!\d)", location) if p.strip()]
    return ", ".join(_render_part(p, lang, names) for p in parts)


def _render_part(part: str, lang: str, names: NameFn) -> str:
    if lang == "ko":  # passengers say 출구 and need the word 승강장 before a door number
        part = re.sub(r"(\d+)번 출입구", r"\1번 출구", part)
        return re.sub(r"(\S+) 방면\s*(\d+-\d+)", r"\1 방면 승강장 \2", part)
    if m := re.fullmatch(r"(\d+)번 출(?:입)?구", part):
        return EXIT_WORD[lang].format(n=m.group(1))
    if m := re.fullmatch(r"(\d+),\s*(\d+)번 출(?:입)?구 사이", part):
        a, b = m.groups()
        return {
            "en": f"between exits {a} and {b}",
            "zh": f"{a}号和{b}号出口之间",
            "ja": f"{a}番と{b}番出口の間",
        }[lang]
    if m := re.fullmatch(r"(\S+?)(?:\(\S+\))? 방면\s*(\d+-\d+)", part):
        return PLATFORM_TOWARD[lang].format(toward=names(m.group(1)), door=m.group(2))
    if part == "대합실":
        return _WORDS["concourse"][lang]
    return part
