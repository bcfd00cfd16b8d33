"""Keyword tables per language: the words passengers use for each thing they ask a kiosk.

Matching is on NFKC-normalised, lower-cased text. English entries are whole-word regexes;
Korean, Chinese and Japanese entries are substrings (no word spacing to rely on). The tables
were written from how people ask in each language, not from the evaluation questions; extend
them here, never inside the matching code.
"""

from __future__ import annotations

from knowledge.answers.types import Intent

KEYWORDS: dict[Intent, dict[str, tuple[str, ...]]] = {
    Intent.REFUSED: {
        "en": (
            r"ignore (all |any |the |your |my )?(previous |prior |above |earlier )?"
            r"(instructions|rules|prompts?|directions)",
            r"system prompt",
            r"developer mode",
            r"jailbreak",
            r"disregard (all |your |the |previous )",
            r"forget (all |your )?(previous )?(instructions|rules)",
            r"you are now",
            r"pretend (to be|you are)",
            r"act as (a|an) ",
            r"reveal your",
            r"new instructions",
            r"stupid",
            r"idiot",
            r"shut up",
            r"fuck",
            r"dumb machine",
        ),
        "ko": (
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
        "zh": (
            "忽略之前",
            "忽略你的",
            "忽略以上",
            "忽略所有",
            "忽略指令",
            "无视",
            "系统提示",
            "提示词",
            "开发者模式",
            "越狱",
            "笨蛋",
            "傻瓜",
            "傻逼",
            "闭嘴",
        ),
        "ja": (
            "指示を無視",
            "命令を無視",
            "ルールを無視",
            "無視して",
            "システムプロンプト",
            "プロンプト",
            "開発者モード",
            "脱獄",
            "バカ",
            "馬鹿",
            "黙れ",
            "アホ",
        ),
    },
    Intent.REPEAT: {
        "en": (
            r"say (that|it) again",
            r"repeat",
            r"once more",
            r"one more time",
            r"pardon",
            r"didn'?t (catch|hear|get) (that|it)",
            r"come again",
            r"slow(er|ly)",
            r"slow down",
        ),
        "ko": ("다시 말", "다시 한", "한 번 더", "한번 더", "다시요", "뭐라고", "천천히"),
        "zh": ("再说一遍", "再说一次", "重复", "没听清", "再讲一遍", "慢一点", "慢点", "慢一些"),
        "ja": ("もう一度", "もう一回", "繰り返", "聞き取れ", "ゆっくり"),
    },
    Intent.NOTICES: {
        "en": (
            r"work(ing|s)?\b",
            r"out of (order|service)",
            r"broken",
            r"in service",
            r"notices?",
            r"announcements?",
            r"delays?",
            r"closed",
            r"under repair",
            r"available",
            r"running",
        ),
        "ko": ("고장", "작동", "운행 중", "공지", "안내 사항", "지연", "되나요", "되요", "돼요",
               "쓸 수 있", "이용 가능", "이용할 수 있", "수리", "보수", "멈췄", "운행하나요"),
        "zh": ("能用", "坏了", "故障", "通知", "公告", "延误", "维修", "正常运行", "可以用", "在运行"),
        "ja": ("使え", "故障", "お知らせ", "遅延", "動いて", "運休", "点検", "補修", "利用でき"),
    },  # fmt: skip
    Intent.LOST_FOUND: {
        "en": (r"lost and found", r"\blost\b", r"left (my|a|the)", r"forgot (my|a)", r"missing"),
        "ko": ("분실", "잃어버", "두고 내", "놓고 내", "유실물", "놓고 왔", "두고 왔"),
        "zh": ("丢了", "丢失", "失物", "遗失", "落在", "忘在"),
        "ja": ("忘れ物", "落とし物", "なくし", "落とし", "忘れ"),
    },
    Intent.LOCKER: {
        "en": (r"lockers?", r"luggage storage", r"store (my|a|the) (bag|luggage|suitcase)"),
        "ko": ("보관함", "사물함", "락커", "라커", "짐 보관", "짐을 맡"),
        "zh": ("储物柜", "寄存", "存包", "存放行李", "行李柜"),
        "ja": ("ロッカー", "荷物預", "荷物を預"),
    },
    Intent.PHONE: {
        "en": (r"phone", r"telephone", r"call (the|someone|staff)", r"contact number"),
        "ko": ("전화", "연락처"),
        "zh": ("电话", "联系方式"),
        "ja": ("電話", "連絡先"),
    },
    Intent.FARE: {
        "en": (r"fares?", r"how much", r"cost", r"ticket price", r"price"),
        "ko": ("요금", "얼마", "운임", "비용", "교통비"),
        "zh": ("票价", "多少钱", "费用", "车费"),
        "ja": ("運賃", "料金", "いくら"),
    },
    Intent.FIRST_LAST: {
        "en": (r"first (train|subway|metro)", r"last (train|subway|metro)", r"first and last",
               r"what time does the (train|subway) (start|stop)"),
        "ko": ("첫차", "막차", "첫 차", "막 차", "첫 열차", "마지막 열차", "마지막 차"),
        "zh": ("首班", "末班", "头班", "最后一班", "第一班"),
        "ja": ("始発", "終電", "最終電車", "最終列車", "始発電車"),
    },  # fmt: skip
    Intent.TRANSFER: {
        "en": (r"transfer", r"change (to|lines?|trains?)", r"switch (to|lines?)"),
        "ko": ("갈아타", "환승", "갈아 타"),
        "zh": ("换乘", "转乘", "换线", "换到"),
        "ja": ("乗り換え", "乗換", "乗りかえ", "乗り換"),
    },
    Intent.ELEVATOR: {
        "en": (r"elevators?", r"lifts?", r"wheelchair"),
        "ko": ("엘리베이터", "엘레베이터", "승강기", "휠체어"),
        "zh": ("电梯", "升降机", "轮椅"),
        "ja": ("エレベーター", "エレベータ", "車いす", "車椅子"),
    },
    Intent.TOILET: {
        "en": (r"toilets?", r"restrooms?", r"bathrooms?", r"washrooms?", r"\bwc\b", r"lavatory"),
        "ko": ("화장실",),
        "zh": ("厕所", "洗手间", "卫生间"),
        "ja": ("トイレ", "お手洗い", "化粧室"),
    },
    Intent.EXIT: {
        "en": (r"exits?\b", r"way out"),
        "ko": ("출구", "밖으로 나가", "나가는 곳", "나가려면"),
        "zh": ("出口",),
        "ja": ("出口",),
    },
    Intent.ROUTE: {
        "en": (r"how (do|can|should) i get to", r"get to", r"go to", r"going to", r"way to",
               r"route", r"how many stops", r"\bfrom\b .* \bto\b", r"take me to", r"travel to"),
        "ko": ("가려면", "가는 방법", "가는 길", "가나요", "가요", "까지", "어떻게 가", "가고 싶",
               "몇 정거장", "몇 개 역", "몇 역", "가는"),
        "zh": ("怎么去", "怎么走", "去", "到", "几站", "路线", "坐到"),
        "ja": ("行き方", "行きたい", "行く", "行けば", "まで", "何駅", "へ行"),
    },  # fmt: skip
    Intent.LINES: {
        "en": (r"which lines?", r"what lines?", r"\blines\b", r"lines? (stop|run|serve)",
               r"which subway"),
        "ko": ("몇 호선", "몇호선", "무슨 선", "무슨 호선", "노선", "호선", "어떤 선", "무슨 노선"),
        "zh": ("几号线", "哪条线", "什么线", "线路", "哪些线", "哪几条"),
        "ja": ("何線", "何号線", "路線", "どの線", "どの路線"),
    },  # fmt: skip
    Intent.OUT_OF_SCOPE: {
        "en": (r"weather", r"news", r"jokes?", r"sing", r"stocks?", r"football", r"soccer",
               r"president", r"who are you", r"how are you", r"recipe", r"movies?",
               r"meaning of life", r"tell me about yourself", r"lottery", r"restaurant"),
        "ko": ("날씨", "뉴스", "농담", "노래", "주식", "맛집", "영화", "대통령", "심심", "로또",
               "야구", "축구", "너는 누구"),
        "zh": ("天气", "新闻", "笑话", "唱歌", "股票", "电影", "足球", "总统", "你是谁", "彩票"),
        "ja": ("天気", "ニュース", "冗談", "歌って", "株価", "映画", "サッカー", "大統領",
               "あなたは誰", "宝くじ"),
    },  # fmt: skip
}

INTENT_ORDER: tuple[Intent, ...] = (
    Intent.REFUSED,
    Intent.REPEAT,
    Intent.LOST_FOUND,
    Intent.LOCKER,
    Intent.PHONE,
    Intent.FIRST_LAST,
    Intent.FARE,
    Intent.TRANSFER,
    Intent.ELEVATOR,
    Intent.TOILET,
    Intent.EXIT,
    Intent.ROUTE,
    Intent.LINES,
)
"""Most specific first: "last train to Jamsil" is about the last train, not the route."""

SLOWER: dict[str, tuple[str, ...]] = {
    "en": (r"slow(er|ly)", r"slow down"),
    "ko": ("천천히",),
    "zh": ("慢一点", "慢点", "慢一些", "说慢"),
    "ja": ("ゆっくり",),
}

IN_SCOPE_HINTS: dict[str, tuple[str, ...]] = {
    "en": (r"station", r"subway", r"metro", r"train", r"platform", r"ticket", r"t-?money",
           r"card", r"wheelchair", r"stroller", r"where is", r"where can i", r"is there"),
    "ko": ("역", "지하철", "열차", "전철", "승강장", "표", "교통카드", "티머니", "어디", "있나요",
           "있어요", "유모차"),
    "zh": ("站", "地铁", "列车", "站台", "票", "交通卡", "哪里", "在哪", "有没有"),
    "ja": ("駅", "地下鉄", "電車", "ホーム", "切符", "交通カード", "どこ", "ありますか"),
}  # fmt: skip
"""Words that make an otherwise unrecognised question a station question (no_information,
not out_of_scope, when the KB has nothing)."""

FIRST_WORDS: dict[str, tuple[str, ...]] = {
    "en": (r"first",),
    "ko": ("첫",),
    "zh": ("首班", "头班", "第一班"),
    "ja": ("始発",),
}
LAST_WORDS: dict[str, tuple[str, ...]] = {
    "en": (r"last",),
    "ko": ("막차", "막 차", "마지막"),
    "zh": ("末班", "最后一班"),
    "ja": ("終電", "最終"),
}
FOLLOW_UP: dict[str, tuple[str, ...]] = {
    "en": (r"^(and|what about|how about)\b",),
    "ko": ("그럼", "그러면", "그리고", "는요", "은요"),
    "zh": ("那", "呢"),
    "ja": ("じゃあ", "では", "それで", "は？", "は?"),
}
