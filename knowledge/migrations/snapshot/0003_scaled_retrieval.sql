-- Retrieval that stays fast at a million passages (measured in `kiosk bench`).
-- Vectors partitioned by station complex: a kiosk's question is about one station, and a
-- partitioned k-NN reads only that station's chunks (0.4 ms at 100,000 facts, against 38 ms
-- for exact distances looked up fact by fact). Small chunks: most complexes hold a few facts.
DROP TABLE fact_vec;
CREATE VIRTUAL TABLE fact_vec USING vec0(
    fact_id INTEGER PRIMARY KEY,
    embedding float[${EMBED_DIM}] distance_metric=cosine,
    complex TEXT partition key,
    chunk_size=16
);
-- The sign of each dimension of each fact vector (48 bytes for 384 dimensions), for searches
-- across the whole network: scanned in memory, the nearest candidates re-ranked exactly.
CREATE TABLE fact_bits (fact_id INTEGER PRIMARY KEY, bits BLOB NOT NULL);
-- How many passages hold each FTS trigram: a network-wide text query keeps its rarest grams
-- within a budget of postings, so a common word cannot make FTS5 rank the whole corpus.
CREATE TABLE passage_grams (gram TEXT PRIMARY KEY, passages INTEGER NOT NULL) WITHOUT ROWID;
