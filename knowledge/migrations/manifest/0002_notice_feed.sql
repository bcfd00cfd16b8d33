-- Notices from the operator's GTFS-Realtime Service Alerts feed, kept apart from the notices
-- operators post (`notices`): a feed refresh replaces these rows only, never a local notice.
CREATE TABLE feed_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    url TEXT NOT NULL,              -- the feed these rows came from
    etag TEXT, last_modified TEXT,  -- validators for the next conditional request
    kb_version INTEGER NOT NULL,    -- knowledge version the stops and routes were mapped against
    header_time TEXT,               -- the feed's own FeedHeader.timestamp
    confirmed_at TEXT NOT NULL,     -- last poll that returned (200) or confirmed (304) the feed
    changed_at TEXT NOT NULL,       -- last poll that changed it
    revision INTEGER NOT NULL       -- +1 at every stored copy: readers re-read the notices
);
CREATE TABLE feed_notices (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL              -- JSON, a validated notice mapped; rowid keeps the feed order
);
