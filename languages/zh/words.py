"""Chinese question words: what passengers say when they ask a kiosk each thing.

Matched on NFKC-normalised, lower-cased text (substring, see
`languages.registry.KEYWORD_MATCHING`). Written from how people ask, not from the evaluation
questions; extend them here, never inside the matching code.
"""

from __future__ import annotations

KEYWORDS: dict[str, tuple[str, ...]] = {
    "refused": (
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
        "破机器",
        "真笨",
        "骂我",
        "废物",
    ),
    "repeat": ("再说一遍", "再说一次", "重复", "没听清", "再讲一遍", "慢一点", "慢点", "慢一些"),
    "notices": (
        "能用",
        "坏了",
        "故障",
        "通知",
        "公告",
        "延误",
        "维修",
        "正常运行",
        "可以用",
        "在运行",
    ),
    "lost_and_found": ("丢了", "丢失", "失物", "遗失", "落在", "忘在"),
    "locker": ("储物柜", "寄存", "存包", "存放行李", "行李柜"),
    "phone": ("电话", "联系方式"),
    "fare": ("票价", "多少钱", "费用", "车费"),
    "first_last_train": ("首班", "末班", "头班", "最后一班", "第一班"),
    "transfer": ("换乘", "转乘", "换线", "换到"),
    "elevator": (
        "电梯",
        "升降机",
        "轮椅",
        "直梯",
        "升降梯",
        "垂直电梯",
    ),
    "toilet": ("厕所", "洗手间", "卫生间"),
    "exit": ("出口",),
    "route": ("怎么去", "怎么走", "去", "到", "几站", "路线", "坐到"),
    "lines": (
        "几号线",
        "哪条线",
        "什么线",
        "线路",
        "哪些线",
        "哪几条",
        "换乘站",
        "哪些路线",
        "哪些线路",
        "哪条线的",
        "是哪条线",
    ),
    "out_of_scope": (
        "天气",
        "新闻",
        "笑话",
        "唱歌",
        "股票",
        "电影",
        "足球",
        "总统",
        "你是谁",
        "彩票",
    ),
}
"""By intent (`knowledge.answers.types.Intent` values)."""

CUES: dict[str, tuple[str, ...]] = {
    "slower": ("慢一点", "慢点", "慢一些", "说慢"),
    "in_scope": (
        "站",
        "地铁",
        "列车",
        "站台",
        "票",
        "交通卡",
        "哪里",
        "在哪",
        "有没有",
        "wifi",
        "无线网",
        "密码",
    ),
    "first": ("首班", "头班", "第一班"),
    "last": ("末班", "最后一班"),
    "yes": ("是", "对", "对的", "没错", "嗯"),
    "no": ("不是", "不对", "都不是", "不"),
    "follow_up": ("那", "呢"),
    "weak_route": ("去", "到"),
    "which_way": ("怎么走", "在哪", "哪边", "往哪"),
}

PATTERNS: dict[str, str] = {
    "place": (
        r"([^\s，。？]{2,}?)(?:站)?(?:是|有)?(?:几号线|哪(?:条|几条)线)"
        # "…有电梯吗": where a facility question puts its station ("霍格沃茨有电梯吗" was
        # answered with Gangnam's elevators); not a word that points or asks (这里, 哪里)
        r"|(?:^|(?<=[，。？、\s])|(?<=请问))(?!这|那|哪|请|你好|我|附近|站内|车站|月台|站台)"
        r"([^\s，。？、\d]{2,}?)(?:站)?(?:有没有|有|的)"
        r"(?:电梯|扶梯|自动扶梯|厕所|卫生间|洗手间|出口)"
    ),
    # The words before a name that ask the way are not the name ("怎么去蚕食站" was said back
    # as a station called 怎么去蚕食).
    "station_mark": (
        r"(?:请问|我想去|我要去|想去|要去|怎么去|怎么到|去|到|往|从)?([^\s车本这该此个，。？]{2,})站"
    ),
    "destination": (
        "(?:到|去|往)([^？?，。]+?)(?:站)?(?:怎么|要|坐|需要|的|[？?]|$)"
        # "请问星河小镇怎么去？": the place before 怎么去/怎么走
        "|(?:^(?:请问|请)?|，)([^\\s，。？到去从往]{2,}?)(?:站)?怎么(?:去|走)"
    ),
    "numbered_line": r"(\d{1,2})\s*号线",
    "exit_number": (r"(\d{1,2})\s*号?\s*出口|" r"出口\s*(\d{1,2})"),
}

ORIGIN_AFTER: tuple[str, ...] = ("上车", "出发")
ORIGIN_BEFORE: tuple[str, ...] = ("从", "由")
HERE_WORDS: tuple[str, ...] = (
    "这里",
    "这儿",
    "本站",
    "这站",
    "这一站",
    "这个站",
    "这是",
    "这个车站",
)
"""Words that point at the kiosk's own station, not at a station name."""


NAME_ENDINGS: tuple[str, ...] = (
    "地铁站",
    "地鐵站",
    "车站",
    "車站",
    "站",
)
"""What may follow a station name and is not part of it (`languages.Language.name_endings`)."""


PLACE_HEADS: tuple[str, ...] = (
    "汉江公园",
    "公园",
    "市场",
    "大学",
    "医院",
    "塔",
    "宫",
    "体育场",
    "棒球场",
    "客运站",
    "巴士",
    "机场",
    "酒店",
    "博物馆",
    "村",
    "商场",
    "购物中心",
    "百货",
    "湖",
    "教堂",
    "广场",
    "乐园",
)
"""Nouns after a station name that make it part of a longer place name (not the station)."""
PLACE_PREFIXES: tuple[str, ...] = ()
"""Words before a station name that make it another place."""
