"""English question words: what passengers say when they ask a kiosk each thing.

Matched on NFKC-normalised, lower-cased text (word-regex, see
`languages.registry.KEYWORD_MATCHING`). Written from how people ask, not from the evaluation
questions; extend them here, never inside the matching code.
"""

from __future__ import annotations

KEYWORDS: dict[str, tuple[str, ...]] = {
    "refused": (
        (
            "ignore (all |any |the |your |my )?(previous |prior |above |"
            "earlier )?(instructions|rules|prompts?|directions)"
        ),
        "system prompt",
        "developer mode",
        "jailbreak",
        "disregard (all |your |the |previous )",
        "forget (all |your )?(previous )?(instructions|rules)",
        "you are now",
        "pretend (to be|you are)",
        "act as (a|an) ",
        "reveal your",
        "new instructions",
        "stupid",
        "idiot",
        "shut up",
        "fuck",
        "dumb machine",
    ),
    "repeat": (
        "say (that|it) again",
        "repeat",
        "once more",
        "one more time",
        "pardon",
        "didn'?t (catch|hear|get) (that|it)",
        "come again",
        "slow(er|ly)",
        "slow down",
    ),
    "notices": (
        r"work(ing|s)?\b",
        "out of (order|service)",
        "broken",
        "in service",
        "notices?",
        "announcements?",
        "delays?",
        "closed",
        "under repair",
        "available",
        "running",
    ),
    "lost_and_found": (
        "lost and found",
        r"\blost\b",
        "left (my|a|the)",
        "forgot (my|a)",
        "missing",
    ),
    "locker": ("lockers?", "luggage storage", "store (my|a|the) (bag|luggage|suitcase)"),
    "phone": ("phone", "telephone", "call (the|someone|staff)", "contact number"),
    "fare": ("fares?", "how much", "cost", "ticket price", "price"),
    "first_last_train": (
        "first (train|subway|metro)",
        "last (train|subway|metro)",
        "first and last",
        "what time does the (train|subway) (start|stop)",
    ),
    "transfer": ("transfer", "change (to|lines?|trains?)", "switch (to|lines?)"),
    "elevator": ("elevators?", "lifts?", "wheelchair"),
    "toilet": ("toilets?", "restrooms?", "bathrooms?", "washrooms?", r"\bwc\b", "lavatory"),
    "exit": (r"exits?\b", "way out"),
    "route": (
        "how (do|can|should) i get to",
        "get to",
        "go to",
        "going to",
        "way to",
        "route",
        "how many stops",
        r"\bfrom\b .* \bto\b",
        "take me to",
        "travel to",
        "\\bstop for\\b",
        "\\bget off for\\b",
        "\\btake for\\b",
        "\\btrain (do i take |to take )?for\\b",
    ),
    "lines": (
        "which lines?",
        "what lines?",
        r"\blines\b",
        "lines? (stop|run|serve)",
        # Whisper writes "line" as "lane" for voices it hears badly; no kiosk question is about
        # a road lane.
        "(which|what) lanes?",
        "lanes? (stop|run|serve|go)",
        "which subway",
        "transfer station",
        "which ones",
        "trains? (run|stop|go) (through|at|here)",
        "what trains",
        "is (this|it) line",
    ),
    "out_of_scope": (
        "weather",
        "news",
        "jokes?",
        "sing",
        "stocks?",
        "football",
        "soccer",
        "president",
        "who are you",
        "how are you",
        "recipe",
        "movies?",
        "meaning of life",
        "tell me about yourself",
        "lottery",
        "restaurant",
    ),
}
"""By intent (`knowledge.answers.types.Intent` values)."""

CUES: dict[str, tuple[str, ...]] = {
    "slower": ("slow(er|ly)", "slow down"),
    "in_scope": (
        "station",
        "subway",
        "metro",
        "train",
        "platform",
        "ticket",
        "t-?money",
        "card",
        "wheelchair",
        "stroller",
        "where is",
        "where can i",
        "is there",
        "wi-?fi",
        "password",
    ),
    "first": ("first",),
    "last": ("last",),
    "yes": (r"^(yes|yeah|yep|correct|right|that's right|that one|uh-huh|sure)\b",),
    "no": (r"^(no|nope|neither|none|wrong|not that)\b",),
    "follow_up": (r"^(and|what about|how about)\b",),
    "weak_route": (),
    "which_way": ("which way", "where do i", "where can i", "how do i get"),
}

PATTERNS: dict[str, str] = {
    "place": (
        r"\bwhat\s+(?:lines?|subway|train)\s+(?:is|are|does|do|goes|go|stops?|runs?)\s+"
        r"(?:at\s+|to\s+|through\s+)?(?!here\b|this\b|there\b)([a-z][\w' -]{2,}?)"
        r"(?:\s+station)?(?:\s+(?:on|in|at|use|served|serve|have|stop|pass)\b|\s*[?.!]*\s*$)"
    ),
    "station_mark": (
        r"\b(?:at|from|to|near)\s+(?!(?:the|a|an|this|that|here|there|"
        "me|my|your|get|go|buy|use|take|find|ask|see|be|help|"
        "wheelchair|people|children|kids|elderly|bikes?|luggage|"
        "pets?|dogs?|exits?|lines?|platforms?|elevators?|toilets?|"
        r"restrooms?|gates?)\b)(\w{3,}(?:\s\w+)?)|\b(?!(?:the|a|an|"
        "this|that|here|there|me|my|your|get|go|buy|use|take|find|"
        "ask|see|be|help|wheelchair|people|children|kids|elderly|"
        "bikes?|luggage|pets?|dogs?|exits?|lines?|platforms?|"
        "elevators?|toilets?|restrooms?|"
        r"gates?)\b)(\w{3,})\s+station\b"
    ),
    "destination": (r"\b(?:to|for|towards?)\s+(?:the\s+)?(.+?)(?:\s+station)?\s*[?" ".!]*$"),
    "numbered_line": r"line\s*(?:no\.?\s*)?(\d{1,2})\b",
    "exit_number": r"exit\s*(?:no\.?|number)?\s*(\d{1,2})\b",
}

ORIGIN_AFTER: tuple[str, ...] = ()
ORIGIN_BEFORE: tuple[str, ...] = (
    "from",
    "starting at",
    "start at",
    "get on at",
    "getting on at",
    "board at",
    "i'm at",
    "i am at",
    "leaving",
)
HERE_WORDS: tuple[str, ...] = ("here", "this", "there", "this station")
"""Words that point at the kiosk's own station, not at a station name."""


COMMON_WORDS = frozenset(
    """a an and any are as at be by can could do does excuse for from get go going hello here
    hi how i in is it its let me my near need next of on or please say should take tell that the
    there this to train trains transfer way we what when where which who why will with would you
    your line lines stop stops station stations subway metro exit exits elevator elevators lift
    toilet toilets restroom restrooms bathroom first last time fare fares lost found locker
    lockers phone number working work open closed out service today now again slower slowly
    want know find kiosk help ride platform direction change much cost there's what's where's
    is there are there i'm it's""".split()
)
"""Everyday question words, never taken for a mis-heard station name."""


PLACE_HEADS: tuple[str, ...] = (
    "park",
    "market",
    "university",
    "univ",
    "college",
    "hospital",
    "tower",
    "palace",
    "stadium",
    "terminal",
    "airport",
    "mall",
    "village",
    "museum",
    "temple",
    "hotel",
    "hangang",
    "river",
    "lake",
    "beach",
    "island",
    "theme",
    "zoo",
    "church",
    "cathedral",
    "school",
    "campus",
    "department",
    "plaza",
    "square",
    "center",
    "centre",
    "building",
)
"""Nouns after a station name that make it part of a longer place name (not the station)."""
PLACE_PREFIXES: tuple[str, ...] = (
    "dong",
    "east",
    "west",
    "north",
    "south",
    "new",
    "old",
    "upper",
    "lower",
)
"""Words before a station name that make it another place."""
