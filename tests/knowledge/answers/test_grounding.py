from __future__ import annotations

from knowledge.answers.grounding import GroundingChecker, numbers
from knowledge.answers.types import Source


def test_numbers_normalise_digits_widths_and_words() -> None:
    assert numbers("Exit 03 at 05:30") == {"3", "5", "30"}
    assert numbers("３番出口") == {"3"}
    assert numbers("三号出口") == {"3"}
    assert numbers("十二号出口") == {"12"}
    assert numbers("세 정거장 가세요") == {"3"}
    assert numbers("ride five stops") == {"5"}


def test_line_variants_count_as_the_same_line(real_kb) -> None:
    checker = GroundingChecker(real_kb)
    src = [Source("station:0222", "강남 (2호선, 0222)")]
    assert checker.check("Take Line 2.", src, "en").ok
    assert checker.check("乘坐2号线。", src, "zh").ok
    bad = checker.check("Take Line 4.", src, "en")
    assert not bad.ok and "line:4" in bad.unsupported


def test_invented_exit_number_is_caught(real_kb) -> None:
    checker = GroundingChecker(real_kb)
    src = [Source("elevator:0222:3", "강남역 2호선 엘리베이터: 1번 출입구")]
    assert checker.check("The elevator is at exit 1.", src, "en").ok
    result = checker.check("The elevator is at exit 7.", src, "en")
    assert not result.ok and result.unsupported == ["number:7"]
    assert not checker.check("电梯在七号出口。", src, "zh").ok


def test_station_names_across_languages(real_kb) -> None:
    checker = GroundingChecker(real_kb)
    src = [Source("edge:2:0222-0221", "2호선: 강남 – 역삼 (1200 m)")]
    assert checker.check("Line 2 toward Yeoksam.", src, "en").ok
    result = checker.check("Line 2 toward Jamsil.", src, "en")
    assert result.unsupported == ["station:잠실"]
    # a generated sentence is also checked for aliases the exact scan misses
    assert not checker.check("Go to Hongdae.", src, "en", thorough=True).ok


def test_derived_numbers_and_the_kiosks_own_station(real_kb) -> None:
    checker = GroundingChecker(real_kb)
    src = [Source("edge:2:0222-0221", "2호선: 강남 – 역삼")]
    assert not checker.check("Ride 6 stops.", src, "en").ok
    assert checker.check("Ride 6 stops.", src, "en", derived=["6"]).ok
    assert checker.check("You are at Sadang.", [], "en", allowed_stations=["사당"]).ok
