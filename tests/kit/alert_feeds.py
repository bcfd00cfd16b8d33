"""Real-shaped GTFS-Realtime alert feeds (built with the bindings) and a real feed server.

`FeedServer` is `http.server` on 127.0.0.1 and a free port, in a thread, serving whatever the
test publishes: an ETag and Last-Modified per version, 304 to a matching conditional request,
and on demand the ways a feed goes wrong (an HTTP error, an HTML page, an endless body, gzip,
a slow answer). It records every request's headers and how many body bytes it got to send.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from google.transit import gtfs_realtime_pb2 as rt

Texts = dict[str, str]
"""Language tag (BCP-47, or "" for untagged) -> text."""


def alert_entity(
    entity_id: str,
    header: Texts,
    *,
    stops: Iterable[str] = (),
    routes: Iterable[str] = (),
    stop_routes: Iterable[tuple[str, str]] = (),
    periods: Iterable[tuple[int | None, int | None]] = (),
    tts: Texts | None = None,
    description: Texts | None = None,
    cause: str = "MAINTENANCE",
    effect: str = "ACCESSIBILITY_ISSUE",
) -> rt.FeedEntity:
    """One FeedEntity carrying an Alert, as an operator's feed would publish it."""
    entity = rt.FeedEntity(id=entity_id)
    alert = entity.alert
    alert.cause = rt.Alert.Cause.Value(cause)
    alert.effect = rt.Alert.Effect.Value(effect)
    for stop in stops:
        alert.informed_entity.add(stop_id=stop)
    for route in routes:
        alert.informed_entity.add(route_id=route)
    for stop, route in stop_routes:
        alert.informed_entity.add(stop_id=stop, route_id=route)
    for start, end in periods:
        period = alert.active_period.add()
        if start is not None:
            period.start = start
        if end is not None:
            period.end = end
    for name, texts in (("header_text", header), ("tts_header_text", tts),
                        ("description_text", description)):  # fmt: skip
        for lang, text in (texts or {}).items():
            item = getattr(alert, name).translation.add(text=text)
            if lang:
                item.language = lang
    return entity


def feed_bytes(*entities: rt.FeedEntity, timestamp: int | None = None) -> bytes:
    """A serialized FULL_DATASET FeedMessage (version 2.0) holding `entities`."""
    message = rt.FeedMessage()
    message.header.gtfs_realtime_version = "2.0"
    message.header.incrementality = rt.FeedHeader.FULL_DATASET
    message.header.timestamp = timestamp if timestamp is not None else int(time.time())
    for entity in entities:
        message.entity.append(entity)
    return message.SerializeToString()


@dataclass
class Served:
    """What the server answers; tests change it between polls."""

    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    content_type: str = "application/x-protobuf"
    status: int = 200
    gzip: bool = False
    endless: bool = False
    """Stream bytes without a Content-Length until the client hangs up."""
    declared_length: int | None = None
    delay_s: float = 0.0


@dataclass
class FeedServer:
    served: Served = field(default_factory=Served)
    requests: list[dict[str, str]] = field(default_factory=list)
    bytes_sent: list[int] = field(default_factory=list)
    port: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)
    httpd: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/alerts.pb?key=secret-feed-key"

    def publish(self, body: bytes, **changes: object) -> None:
        """Serve `body` from now on, as a new version (new ETag and Last-Modified)."""
        stamp = format_datetime(datetime.now(UTC), usegmt=True)
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        self.served = Served(body=body, etag=etag, last_modified=stamp, **changes)  # type: ignore[arg-type]

    def stop(self) -> None:
        """Stop listening: the feed becomes unreachable (connection refused)."""
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def wait_for_requests(self, count: int, timeout: float = 30.0) -> None:
        """Until the server has been asked `count` times (or fail the test)."""
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.requests) >= count, timeout):
                raise AssertionError(f"feed asked {len(self.requests)} times, not {count}")

    def wait_for_endless_end(self, timeout: float = 30.0) -> int:
        """Bytes an endless answer got to write before its client hung up."""
        with self.changed:
            if not self.changed.wait_for(lambda: self.bytes_sent, timeout):
                raise AssertionError("the endless answer never ended")
            return self.bytes_sent[0]


def _handler(server: FeedServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served = server.served
            with server.changed:
                server.requests.append({k.lower(): v for k, v in self.headers.items()})
                server.changed.notify_all()
            if served.delay_s:
                time.sleep(served.delay_s)
            if served.status != 200:
                self._answer(served.status, b"error", "text/plain")
                return
            if served.etag and self.headers.get("If-None-Match") == served.etag:
                self._answer(304, None, None, served)
                return
            if served.endless:
                self._endless(served)
                return
            body = gzip.compress(served.body) if served.gzip else served.body
            self._answer(200, body, served.content_type, served)

        def _answer(
            self, status: int, body: bytes | None, kind: str | None, served: Served | None = None
        ) -> None:
            self.send_response(status)
            if kind:
                self.send_header("Content-Type", kind)
            if served is not None:
                if served.etag:
                    self.send_header("ETag", served.etag)
                if served.last_modified:
                    self.send_header("Last-Modified", served.last_modified)
                if served.gzip and body is not None:
                    self.send_header("Content-Encoding", "gzip")
            if body is not None:
                declared = served.declared_length if served else None
                self.send_header("Content-Length", str(declared or len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)
                server.bytes_sent.append(len(body))

        def _endless(self, served: Served) -> None:
            """A body with no end and no length: only a bounded read survives it."""
            self.send_response(200)
            self.send_header("Content-Type", served.content_type)
            self.send_header("Connection", "close")
            self.end_headers()
            chunk, sent = b"\x0a" * 65536, 0
            try:
                while sent < 1 << 30:
                    self.wfile.write(chunk)
                    sent += len(chunk)
            except OSError:
                pass  # the client hung up, as it should
            with server.changed:
                server.bytes_sent.append(sent)
                server.changed.notify_all()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    """A FeedServer on 127.0.0.1 and a free port, stopped afterwards."""
    server = FeedServer()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(server))
    httpd.daemon_threads = True
    server.port = httpd.server_address[1]
    server.httpd = httpd
    thread = threading.Thread(target=httpd.serve_forever, name="feed-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop()
        thread.join(5)
