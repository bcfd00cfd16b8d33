"""Korean question words: what passengers say when they ask a kiosk each thing.

Matched on NFKC-normalised, lower-cased text (hangul-word-end, see
`languages.registry.KEYWORD_MATCHING`). Written from how people ask, not from the evaluation
questions; extend them here, never inside the matching code.
"""

from __future__ import annotations

KEYWORDS: dict[str, tuple[str, ...]] = {
    "refused": (
        "지시를 무시",
        "지시사항을 무시",
        "명령을 무시",
        "규칙을 무시",
        "무시하고",
        "시스템 프롬프트",
        "프롬프트",
        "규칙을 바꿔",
        "개발자 모드",
        "탈옥",
        "바보",
        "멍청",
        "닥쳐",
        "개새",
        "씨발",
    ),
    "repeat": ("다시 말", "다시 한", "한 번 더", "한번 더", "다시요", "뭐라고", "천천히"),
    "notices": (
        "고장",
        "작동",
        "운행 중",
        "공지",
        "안내 사항",
        "지연",
        "되나요",
        "되요",
        "돼요",
        "쓸 수 있",
        "이용 가능",
        "이용할 수 있",
        "수리",
        "보수",
        "멈췄",
        "운행하나요",
    ),
    "lost_and_found": ("분실", "잃어버", "두고 내", "놓고 내", "유실물", "놓고 왔", "두고 왔"),
    "locker": ("보관함", "사물함", "락커", "라커", "짐 보관", "짐을 맡"),
    "phone": ("전화", "연락처"),
    "fare": ("요금", "얼마", "운임", "비용", "교통비"),
    "first_last_train": ("첫차", "막차", "첫 차", "막 차", "첫 열차", "마지막 열차", "마지막 차"),
    "transfer": ("갈아타", "환승", "갈아 타"),
    "elevator": (
        "엘리베이터",
        "엘레베이터",
        "승강기",
        "휠체어",
        "엘베",
    ),
    "toilet": ("화장실",),
    "exit": ("출구", "밖으로 나가", "나가는 곳", "나가려면"),
    "route": (
        "가려면",
        "가는 방법",
        "가는 길",
        "가나요",
        "가요",
        "까지",
        "어떻게 가",
        "가고 싶",
        "몇 정거장",
        "몇 개 역",
        "몇 역",
        "가는",
    ),
    "lines": (
        "몇 호선",
        "몇호선",
        r"무슨 선\b",
        "무슨 호선",
        "노선",
        "호선",
        r"어떤 선\b",
        "무슨 노선",
        "뭐뭐",
        "환승역",
        "다니죠",
        "다니나요",
        "지나가",
    ),
    "out_of_scope": (
        "날씨",
        "뉴스",
        "농담",
        "노래",
        "주식",
        "맛집",
        "영화",
        "대통령",
        "심심",
        "로또",
        "야구",
        "축구",
        "너는 누구",
        "주가",
        "주식",
    ),
}
"""By intent (`knowledge.answers.types.Intent` values)."""

CUES: dict[str, tuple[str, ...]] = {
    "slower": ("천천히",),
    "in_scope": (
        "역",
        "지하철",
        "열차",
        "전철",
        "승강장",
        "표",
        "교통카드",
        "티머니",
        "어디",
        "있나요",
        "있어요",
        "유모차",
        "와이파이",
        "wifi",
    ),
    "first": ("첫",),
    "last": ("막차", "막 차", "마지막"),
    "yes": ("네", "예", "맞아", "맞습니다", "맞아요", "응", "그래요"),
    "no": ("아니", "아뇨", "아니요", "틀려", "둘 다 아니"),
    "follow_up": ("그럼", "그러면", "그리고", "는요", "은요"),
    "weak_route": ("가는", "까지"),
    "which_way": ("어디로", "어느 쪽", "어디서 타", "어떻게 가"),
}

PATTERNS: dict[str, str] = {
    "place": (
        r"(\S{2,}?)(?:역)?(?:은|는)\s*(?:몇|무슨|어느)\s*(?:호선|노선)"
        # "…에 엘리베이터 있어요?": where a facility question puts its station ("호그와트에
        # 엘리베이터 있어요?" was answered with Gangnam's elevators)
        r"|(\S{2,}?)(?:역)?(?:에는|에|의)\s*(?:엘리베이터|에스컬레이터|화장실|출구)"
    ),
    "station_mark": (r"(\S{2,}?)[역녁력](?:\s|$|에|은|는|이|" "으로|까지|에서)"),
    "destination": (
        r"(\S+(?:\s\S+)?)\s*(?:역)?(?:까지|으로|로|에|가는|가려면|가고)"
        r"|(\S+?)(?:역)?\s+(?:어떻게|어찌)\s*가"  # "은하수빌리지 어떻게 가요?"
    ),
    "numbered_line": r"(\d{1,2})\s*호선",
    "exit_number": r"(\d{1,2})\s*번\s*(?:출구|출입구)",
}

ORIGIN_AFTER: tuple[str, ...] = ("에서", "부터")
ORIGIN_BEFORE: tuple[str, ...] = ()
HERE_WORDS: tuple[str, ...] = ("여기", "이곳", "이 역", "이역", "여기서")
"""Words that point at the kiosk's own station, not at a station name."""


NAME_ENDINGS: tuple[str, ...] = (
    "에서는",
    "에서도",
    "에서",
    "으로는",
    "으로",
    "로는",
    "로",
    "까지",
    "부터",
    "에는",
    "에도",
    "에",
    "이랑",
    "랑",
    "하고",
    "과",
    "와",
    "이",
    "가",
    "은",
    "는",
    "을",
    "를",
    "의",
    "도",
    "이요",
    "요",
    "인가요",
    "이에요",
    "예요",
    "입니다",
    "앞",
    "근처",
    "쪽",
    "방향",
    "방면",
)
"""What may follow a station name and is not part of it (`languages.Language.name_endings`)."""


COMMON_WORDS = frozenset(
    """어떻게 어디 어디에 어디에요 어디예요 어디인가요 있어요 있나요 있습니까 가요 가나요 가는
    가려면 갈 방법 알려 주세요 줘 뭐 무엇 몇 지금 여기 이 그 저 엘리베이터 화장실 출구 막차
    첫차 요금 얼마 호선 노선 타요 타고 타는 갈아타 갈아타요 환승 분실물 물품보관함 전화
    번호 있는 역 역은 역이 좀 다시 천천히 말해 말씀 승강장 플랫폼 개찰구 대합실 근처 주변 역내
    지하 지상 밖 안""".split()
)
"""Everyday question words, never taken for a mis-heard station name."""


PLACE_HEADS: tuple[str, ...] = (
    "한강공원",
    "공원",
    "시장",
    "대학교",
    "대학",
    "병원",
    "타워",
    "궁",
    "경기장",
    "야구장",
    "터미널",
    "공항",
    "호텔",
    "박물관",
    "마을",
    "빌리지",
    "백화점",
    "호수",
    "성당",
    "교회",
    "사찰",
    "광장",
    "해수욕장",
)
"""Nouns after a station name that make it part of a longer place name (not the station)."""
PLACE_PREFIXES: tuple[str, ...] = ("동",)
"""Words before a station name that make it another place."""
