-- One passage per fact and language; FTS5 trigram suits Korean (no word segmentation needed).
CREATE TABLE passages (
    id INTEGER PRIMARY KEY,
    fact_id INTEGER NOT NULL REFERENCES facts(id),
    lang TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX passages_fact ON passages(fact_id, lang);
CREATE VIRTUAL TABLE passages_fts USING fts5(
    text, content='passages', content_rowid='id', tokenize='trigram'
);
-- One vector per fact (its ko + en text): the multilingual model maps zh/ja queries near it.
CREATE TABLE embeddings (text_hash TEXT PRIMARY KEY, model TEXT NOT NULL, vec BLOB NOT NULL);
CREATE VIRTUAL TABLE fact_vec USING vec0(
    fact_id INTEGER PRIMARY KEY,
    embedding float[${EMBED_DIM}] distance_metric=cosine,
    complex TEXT
);
