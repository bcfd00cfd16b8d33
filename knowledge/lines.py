"""Canonical subway lines: one id per line, display names in ko/en/zh/ja, source-label aliases.

The public files publish line labels in their own spellings (`02호선`, `경의선`, `인천선`,
`용인경전철` in the station list; `2호선`, `경의중앙`, `GTXA`, `용인에버라인` in the transfer file).
This table is OURS, not from any source: it maps every published label to one canonical id and
gives the display name a passenger expects in each language. In particular the station list's
`경의선` is the 경의중앙선 (Gyeongui–Jungang Line), `인천선` is 인천1호선 and `용인경전철` is
the EverLine; see docs in knowledge/data/LINES.md.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Line:
    """A line as a passenger names it; `id` is stable across imports (`2`, `gyeongui-jungang`)."""

    id: str
    names: dict[str, str] = field(hash=False, compare=False)
    color: str = ""

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["ko"]


def _numbered(n: int) -> tuple[str, dict[str, str], tuple[str, ...]]:
    names = {"ko": f"{n}호선", "en": f"Line {n}", "zh": f"{n}号线", "ja": f"{n}号線"}
    return str(n), names, (f"0{n}호선", f"{n}호선", f"line{n}", f"{n}号线", f"{n}号線")


_SPECIAL: list[tuple[str, dict[str, str], tuple[str, ...]]] = [
    (
        "gyeongui-jungang",
        {"ko": "경의중앙선", "en": "Gyeongui–Jungang Line", "zh": "京义中央线", "ja": "京義中央線"},
        ("경의선", "경의중앙", "경의중앙선", "중앙선", "gyeonguijungangline", "gyeonguiline"),
    ),
    (
        "gyeongchun",
        {"ko": "경춘선", "en": "Gyeongchun Line", "zh": "京春线", "ja": "京春線"},
        ("경춘", "경춘선", "gyeongchunline"),
    ),
    (
        "gyeonggang",
        {"ko": "경강선", "en": "Gyeonggang Line", "zh": "京江线", "ja": "京江線"},
        ("경강", "경강선", "gyeonggangline"),
    ),
    (
        "suin-bundang",
        {"ko": "수인분당선", "en": "Suin–Bundang Line", "zh": "水仁盆唐线", "ja": "水仁・盆唐線"},
        ("수인분당", "수인분당선", "분당선", "수인선", "suinbundangline", "bundangline"),
    ),
    (
        "shinbundang",
        {"ko": "신분당선", "en": "Shinbundang Line", "zh": "新盆唐线", "ja": "新盆唐線"},
        ("신분당", "신분당선", "shinbundangline", "sinbundangline"),
    ),
    (
        "airport",
        {"ko": "공항철도", "en": "AREX Airport Railroad", "zh": "机场铁路", "ja": "空港鉄道"},
        ("공항철도", "arex", "airportrailroad"),
    ),
    (
        "gtx-a",
        {"ko": "GTX-A", "en": "GTX-A", "zh": "GTX-A线", "ja": "GTX-A線"},
        ("gtxa", "gtx-a", "gtx"),
    ),
    (
        "seohae",
        {"ko": "서해선", "en": "Seohae Line", "zh": "西海线", "ja": "西海線"},
        ("서해", "서해선", "seohaeline"),
    ),
    (
        "sillim",
        {"ko": "신림선", "en": "Sillim Line", "zh": "新林线", "ja": "新林線"},
        ("신림선", "sillimline"),
    ),
    (
        "ui-sinseol",
        {"ko": "우이신설선", "en": "Ui–Sinseol Line", "zh": "牛耳新设线", "ja": "牛耳新設線"},
        ("우이신설", "우이신설선", "우이신설경전철", "uisinseolline"),
    ),
    (
        "uijeongbu",
        {
            "ko": "의정부경전철",
            "en": "U Line (Uijeongbu LRT)",
            "zh": "议政府轻轨",
            "ja": "議政府軽電鉄",
        },
        ("의정부", "의정부경전철", "uline", "uijeongbulrt"),
    ),
    (
        "everline",
        {
            "ko": "용인에버라인",
            "en": "Yongin EverLine",
            "zh": "龙仁爱宝线",
            "ja": "龍仁エバーライン",
        },
        ("용인경전철", "용인에버라인", "에버라인", "everline"),
    ),
    (
        "gimpo-gold",
        {
            "ko": "김포골드라인",
            "en": "Gimpo Goldline",
            "zh": "金浦黄金线",
            "ja": "金浦ゴールドライン",
        },
        ("김포도시철도", "김포골드라인", "골드라인", "goldline", "gimpogoldline"),
    ),
    (
        "incheon-1",
        {"ko": "인천1호선", "en": "Incheon Line 1", "zh": "仁川1号线", "ja": "仁川1号線"},
        ("인천선", "인천1호선", "incheonline1"),
    ),
    (
        "incheon-2",
        {"ko": "인천2호선", "en": "Incheon Line 2", "zh": "仁川2号线", "ja": "仁川2号線"},
        ("인천2호선", "incheonline2"),
    ),
]


def line_key(label: str) -> str:
    """Comparison key for line labels: NFC, lower case, no spaces, dashes or dots."""
    text = unicodedata.normalize("NFKC", label).lower()
    return re.sub(r"[\s\-–·.()]+", "", text)


class LineRegistry:
    """Known lines plus operator-added ones (GTFS routes); resolves any published label."""

    def __init__(self) -> None:
        self._lines: dict[str, Line] = {}
        self._alias: dict[str, str] = {}
        for n in range(1, 10):
            self.add(*_numbered(n))
        for line_id, names, aliases in _SPECIAL:
            self.add(line_id, names, aliases)

    def add(self, line_id: str, names: dict[str, str], aliases: tuple[str, ...] = ()) -> Line:
        line = Line(line_id, dict(names))
        self._lines[line_id] = line
        for label in (line_id, *names.values(), *aliases):
            self._alias.setdefault(line_key(label), line_id)
        return line

    def get(self, line_id: str) -> Line:
        return self._lines[line_id]

    def resolve(self, label: str) -> Line | None:
        """The line a published label means, or None when the label is unknown."""
        line_id = self._alias.get(line_key(label))
        return self._lines.get(line_id) if line_id else None

    def prefix(self, text: str) -> tuple[Line, str] | None:
        """The line named at the start of `text` (longest alias wins) and the rest of the text."""
        key_text = unicodedata.normalize("NFC", text).strip()
        best: tuple[Line, str] | None = None
        best_len = 0
        for end in range(len(key_text), 0, -1):
            head = key_text[:end]
            line_id = self._alias.get(line_key(head))
            if line_id and end > best_len:
                best, best_len = (self._lines[line_id], key_text[end:].strip()), end
                break
        return best

    def all(self) -> list[Line]:
        return list(self._lines.values())
