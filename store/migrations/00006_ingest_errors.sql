-- +goose Up
-- Ingests that failed for a reason that is not the file's fault: the store
-- busy (its write lock taken for longer than the lock timeout) or full, the
-- file unreadable. Nothing was stored, so there is no source row; they are
-- counted by reason for the ingest health metrics, whichever process (CLI,
-- inbox, upload) saw them.
CREATE TABLE ingest_errors (
    id        INTEGER PRIMARY KEY,
    reason    TEXT NOT NULL,           -- store, io
    name      TEXT NOT NULL,           -- the file's base name
    sha256    TEXT NOT NULL DEFAULT '',
    via       TEXT NOT NULL,
    submitter TEXT NOT NULL DEFAULT '',
    at        TEXT NOT NULL,           -- UTC, fixed width (sorts as time does)
    error     TEXT NOT NULL
);

-- +goose Down
DROP TABLE ingest_errors;
