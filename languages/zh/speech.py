"""Chinese speech normalisation: Chinese numerals, clock times, 两 before counters."""

from __future__ import annotations

import re

from languages.numbers import NUMBER, TIME, to_int

_ZH_DIGITS = "零一二三四五六七八九"


def zh_number(n: int) -> str:
    """Chinese numerals: 1400 -> 一千四百, 10 -> 十, 1005 -> 一千零五."""
    if n == 0:
        return "零"
    if n >= 10**8:
        rest = n % 10**8
        high = zh_number(n // 10**8) + "亿"
        return high + (("零" if rest < 10**7 else "") + zh_number(rest) if rest else "")
    if n >= 10**4:
        rest = n % 10**4
        high = zh_number(n // 10**4) + "万"
        return high + (("零" if rest < 1000 else "") + zh_number(rest) if rest else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += ("零" if zero and out else "") + _ZH_DIGITS[digit] + unit
            zero = False
        else:
            zero = True
    return out[1:] if out.startswith("一十") else out


def normalize_zh(text: str) -> str:
    text = TIME.sub(
        lambda m: f"{zh_number(int(m[1]))}点" + (f"{zh_number(int(m[2]))}分" if int(m[2]) else ""),
        text,
    )
    text = re.sub(r"₩\s?(\d+(?:,\d{3})*)", lambda m: f"{zh_number(to_int(m[1]))}韩元", text)
    text = re.sub(r"(?<![\d,])2\s?(分钟|个|站|部|位)", r"两\1", text)  # "两站", not "二站"
    return re.sub(NUMBER, lambda m: zh_number(to_int(m[0])), text)
