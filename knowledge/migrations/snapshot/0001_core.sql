-- Station data of one snapshot. Every row keeps the source id that answers cite.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE lines (id TEXT PRIMARY KEY, names TEXT NOT NULL);
CREATE TABLE complexes (
    key TEXT PRIMARY KEY,
    names TEXT NOT NULL,            -- JSON {lang: name}
    fallback TEXT NOT NULL,         -- JSON [lang] whose name is missing in the source
    lat REAL, lon REAL,
    source_id TEXT NOT NULL
);
CREATE TABLE stations (
    code TEXT PRIMARY KEY,
    complex TEXT NOT NULL REFERENCES complexes(key),
    line_id TEXT NOT NULL REFERENCES lines(id),
    fr_code TEXT,
    names TEXT NOT NULL,
    fallback TEXT NOT NULL,
    lat REAL, lon REAL,
    coord_source TEXT,              -- 'OA-21232:name(..)' = approximate, '' = none
    source_id TEXT NOT NULL
);
CREATE INDEX stations_complex ON stations(complex);
CREATE TABLE edges (
    source_id TEXT PRIMARY KEY,
    line_id TEXT NOT NULL REFERENCES lines(id),
    a TEXT NOT NULL REFERENCES stations(code),
    b TEXT NOT NULL REFERENCES stations(code),
    distance_m REAL
);
CREATE TABLE aliases (
    complex TEXT NOT NULL REFERENCES complexes(key),
    lang TEXT NOT NULL, alias TEXT NOT NULL, kind TEXT NOT NULL
);
CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    complex TEXT REFERENCES complexes(key),
    line_id TEXT,
    station_code TEXT,
    texts TEXT NOT NULL,            -- JSON {lang: text}
    data TEXT NOT NULL              -- JSON, kind-specific
);
CREATE INDEX facts_complex ON facts(complex, kind);
-- The raw files this snapshot was built from, so the next import can layer on top of them.
CREATE TABLE sources (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, content BLOB NOT NULL);
