-- The manifest: which snapshot serves (state.current), history, audit and live notices.
CREATE TABLE versions (
    version INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    created_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    counts TEXT NOT NULL,
    parent INTEGER,
    embed_model TEXT NOT NULL,
    seconds REAL NOT NULL
);
CREATE TABLE state (id INTEGER PRIMARY KEY CHECK (id = 1), current INTEGER, changed_at TEXT);
INSERT INTO state (id, current, changed_at) VALUES (1, NULL, NULL);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,
    action TEXT NOT NULL, detail TEXT NOT NULL
);
CREATE TABLE notices (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,             -- JSON, the validated notice as written
    created_at TEXT NOT NULL, actor TEXT NOT NULL,
    expired_at TEXT                 -- set by expire_notice; expired notices are never served
);
