"""Japanese question words: what passengers say when they ask a kiosk each thing.

Matched on NFKC-normalised, lower-cased text (substring, see
`languages.registry.KEYWORD_MATCHING`). Written from how people ask, not from the evaluation
questions; extend them here, never inside the matching code.
"""

from __future__ import annotations

KEYWORDS: dict[str, tuple[str, ...]] = {
    "refused": (
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
        "ポンコツ",
        "役立たず",
        "悪口",
    ),
    "repeat": ("もう一度", "もう一回", "繰り返", "聞き取れ", "ゆっくり"),
    "notices": ("使え", "故障", "お知らせ", "遅延", "動いて", "運休", "点検", "補修", "利用でき"),
    "lost_and_found": ("忘れ物", "落とし物", "なくし", "落とし", "忘れ"),
    "locker": ("ロッカー", "荷物預", "荷物を預"),
    "phone": ("電話", "連絡先"),
    "fare": ("運賃", "料金", "いくら"),
    "first_last_train": ("始発", "終電", "最終電車", "最終列車", "始発電車"),
    "transfer": ("乗り換え", "乗換", "乗りかえ", "乗り換"),
    "elevator": ("エレベーター", "エレベータ", "車いす", "車椅子"),
    "toilet": ("トイレ", "お手洗い", "化粧室"),
    "exit": ("出口",),
    "route": (
        "行き方",
        "行きたい",
        "行く",
        "行けば",
        "まで",
        "何駅",
        "へ行",
        "どう行",
        "どうやって行",
        "へは",
    ),
    "lines": (
        "何線",
        "何号線",
        "路線",
        "どの線",
        "どの路線",
        "乗り換え駅",
        "乗り換えできる路線",
        "何線が",
    ),
    "out_of_scope": (
        "天気",
        "ニュース",
        "冗談",
        "歌って",
        "株価",
        "映画",
        "サッカー",
        "大統領",
        "あなたは誰",
        "宝くじ",
    ),
}
"""By intent (`knowledge.answers.types.Intent` values)."""

CUES: dict[str, tuple[str, ...]] = {
    "slower": ("ゆっくり",),
    "in_scope": (
        "駅",
        "地下鉄",
        "電車",
        "ホーム",
        "切符",
        "交通カード",
        "どこ",
        "ありますか",
        "wi-fi",
        "wifi",
        "パスワード",
    ),
    "first": ("始発",),
    "last": ("終電", "最終"),
    "yes": ("はい", "そう", "そうです", "ええ", "うん"),
    "no": ("いいえ", "違う", "ちがう", "違います", "どちらでもない"),
    "follow_up": ("じゃあ", "では", "それで", "は？", "は?"),
    "weak_route": ("まで",),
    "which_way": ("どっち", "どこ", "どちら"),
}

PATTERNS: dict[str, str] = {
    "place": (
        # The chunk may begin with こ/そ/あ/ど (どんでも), but not with a word that points
        # (この, それ, どの…): "この駅は何号線" is here. One kanji or katakana is a name too:
        # Whisper wrote クロ (Guro) as 黒.
        # は is said "wa", and Whisper may write it so, glued to a name it did not know
        # ("ソンパワー何線ですか"); it may also pause before 駅 ("キョンチャルピョンモン、駅の").
        r"(?!この|その|あの|どの|ここ|そこ|あそこ|どこ|これ|それ|あれ|どれ)([一-龯ァ-ヶ]|[^\s、。]{2,}?)(?:、?駅)?(?:は|って|わ|ワー?)"
        r"(?:何|なに|どの)(?:線|号線)"
        # "…にエレベーターはありますか", "…のトイレはどこ": where a facility question puts
        # its station (Whisper writes a name it did not know as other words: どんでも激に)
        r"|(?!この|その|あの|どの|ここ|そこ|あそこ|どこ|これ|それ|あれ|どれ)([一-龯ァ-ヶ]|[^\s、。]{2,}?)(?:、?(?:駅|エキ|えき))?(?:に|の|ノ)(?:は)?"
        r"(?:エレベーター|エスカレーター|トイレ|お手洗い|出口)"
    ),
    "station_mark": r"([^\sのこそあどの、。？]{2,})駅",
    "destination": (r"(?:から)?([^\sから]+?)(?:駅)?(?:まで|" "へ|に行)"),
    "numbered_line": r"(\d{1,2})\s*号線",
    "exit_number": (r"(\d{1,2})\s*番?\s*出口|" r"出口\s*(\d{1,2})"),
}

ORIGIN_AFTER: tuple[str, ...] = ("から",)
ORIGIN_BEFORE: tuple[str, ...] = ()
HERE_WORDS: tuple[str, ...] = ("ここ", "この駅", "ここって", "ここは")
"""Words that point at the kiosk's own station, not at a station name."""
COMMON_WORDS = frozenset(
    "ホーム 改札 改札内 改札外 改札口 近く 駅の近く 構内 駅構内 地上 地下 乗り場 駅前 周辺 付近"
    " この辺 そば 外 中 上 下 階段 通路 入口 2階 1階 地下1階".split()
)
"""Places in a station that stand where a question puts a station ("ホームにエレベーターは
ありますか"): not station names."""


NAME_ENDINGS: tuple[str, ...] = (
    "駅",
    "えき",
    "エキ",
)
"""What may follow a station name and is not part of it (`languages.Language.name_endings`)."""


PLACE_HEADS: tuple[str, ...] = (
    "漢江公園",
    "大公園",
    "公園",
    "市場",
    "大学",
    "大",
    "病院",
    "タワー",
    "宮",
    "競技場",
    "野球場",
    "ターミナル",
    "バスターミナル",
    "空港",
    "ホテル",
    "博物館",
    "村",
    "ビレッジ",
    "モール",
    "百貨店",
    "湖",
    "聖堂",
    "教会",
    "広場",
)
"""Nouns after a station name that make it part of a longer place name (not the station)."""
PLACE_PREFIXES: tuple[str, ...] = ()
"""Words before a station name that make it another place."""
