"""Write a sample GTFS-Realtime Service Alerts feed, to try live notices on one machine.

The file is what an operator's feed server returns: a FULL_DATASET FeedMessage (built with
`gtfs-realtime-bindings`) holding one alert, or none with --clear. It is written to a
temporary name and renamed, so a server never hands out half a file. Serve its folder with
`python -m http.server` (which answers If-Modified-Since with 304) and point
`notice_feed.url` at it (README, "Live notices").

    .venv/bin/python scripts/sample_alert_feed.py var/feed/alerts.pb --stop 0222 \\
        --en "The exit 10 elevator is out of service." --ko "10번 출구 엘리베이터 운행 중지"
    .venv/bin/python scripts/sample_alert_feed.py var/feed/alerts.pb --clear
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from google.transit import gtfs_realtime_pb2 as rt


def build_feed(args: argparse.Namespace, now: int) -> bytes:
    message = rt.FeedMessage()
    message.header.gtfs_realtime_version = "2.0"
    message.header.incrementality = rt.FeedHeader.FULL_DATASET
    message.header.timestamp = now
    if not args.clear:
        entity = message.entity.add(id=args.id)
        alert = entity.alert
        alert.cause = rt.Alert.Cause.Value(args.cause)
        alert.effect = rt.Alert.Effect.Value(args.effect)
        for stop in args.stop:
            alert.informed_entity.add(stop_id=stop)
        for route in args.route:
            alert.informed_entity.add(route_id=route)
        period = alert.active_period.add(start=now - 60)
        if args.hours:
            period.end = now + int(args.hours * 3600)
        for lang in ("ko", "en", "zh", "ja"):
            text = getattr(args, lang)
            if text:
                alert.header_text.translation.add(text=text, language=lang)
    return message.SerializeToString()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the feed file to write (e.g. var/feed/alerts.pb)")
    parser.add_argument("--clear", action="store_true", help="a feed with no alerts")
    parser.add_argument("--id", default="sample-1", help="the alert's entity id")
    parser.add_argument("--stop", action="append", default=[], help="a stop_id (0222: Gangnam)")
    parser.add_argument("--route", action="append", default=[], help="a route_id (2: Line 2)")
    parser.add_argument("--cause", default="MAINTENANCE", choices=rt.Alert.Cause.keys())
    parser.add_argument("--effect", default="ACCESSIBILITY_ISSUE", choices=rt.Alert.Effect.keys())
    parser.add_argument("--hours", type=float, default=2.0, help="active for (0: no end)")
    for lang in ("ko", "en", "zh", "ja"):
        parser.add_argument(f"--{lang}", default="", help=f"the alert's text in {lang}")
    args = parser.parse_args(argv)
    if not args.clear and not (args.stop or args.route):
        parser.error("name a --stop or a --route (or pass --clear)")
    if not args.clear and not any(getattr(args, lang) for lang in ("ko", "en", "zh", "ja")):
        parser.error("give the alert a text (--ko, --en, --zh or --ja)")
    data = build_feed(args, int(time.time()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(f".{args.out.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, args.out)
    print(f"wrote {args.out} ({len(data)} bytes, {0 if args.clear else 1} alert)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
