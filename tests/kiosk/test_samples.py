"""The demo's passenger replying to the kiosk's question back (`kiosk.samples`)."""

from __future__ import annotations

import pytest

from kiosk.samples import passenger_reply


@pytest.mark.parametrize(
    ("asked", "reply"),
    [
        ("Did you mean Anguk, Hanyang Univ. or Hongik Univ.?", "Hongik University."),
        ("Did you mean Hongik Univ.?", "Yes."),
        ("Did you mean Anguk or Hanyang Univ.?", "No."),
        ("Did you mean Anguk?", "No."),
    ],
)
def test_the_passenger_names_the_station_meant_or_says_yes_or_no(asked, reply) -> None:
    assert passenger_reply(asked, ("Hongik",)) == reply


@pytest.mark.parametrize(
    ("asked", "reply"),
    [
        ("チャムシルのことですか？", "はい。"),
        ("チャンジ、チャムシルかチャムウォンのことですか？", "チャムシルです。"),
        ("チャンジかチャムウォンのことですか？", "いいえ。"),
    ],
)
def test_the_japanese_passenger_answers_in_japanese(asked, reply) -> None:
    assert passenger_reply(asked, ("チャムシル",), "ja") == reply
