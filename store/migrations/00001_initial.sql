-- +goose Up
-- Every file offered for ingest, accepted or rejected, with its report.
CREATE TABLE sources (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    sha256       TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    via          TEXT    NOT NULL,
    submitter    TEXT    NOT NULL DEFAULT '',
    received_at  TEXT    NOT NULL, -- RFC 3339, UTC
    rows         INTEGER NOT NULL,
    accepted     INTEGER NOT NULL CHECK (accepted IN (0, 1)),
    withdrawn_at TEXT,
    report       TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX sources_sha256 ON sources (sha256);

-- One row per revision of a figure; the highest revision from a source that
-- is not withdrawn is the figure in force.
CREATE TABLE observations (
    indicator   TEXT    NOT NULL,
    team        TEXT    NOT NULL,
    frequency   TEXT    NOT NULL,
    period_last TEXT    NOT NULL, -- the period's last day, YYYY-MM-DD
    revision    INTEGER NOT NULL CHECK (revision >= 1),
    value       REAL,
    numerator   REAL,
    denominator REAL,
    status      TEXT    NOT NULL CHECK (status IN ('actual', 'provisional', 'suppressed', 'missing')),
    commentary  TEXT    NOT NULL DEFAULT '',
    outcome     TEXT    NOT NULL DEFAULT '',
    source_id   INTEGER NOT NULL REFERENCES sources (id),
    recorded_at TEXT    NOT NULL,
    PRIMARY KEY (indicator, team, frequency, period_last, revision)
) WITHOUT ROWID;
CREATE INDEX observations_source ON observations (source_id);

-- change_seq grows with every committed write, so a reader in another
-- process (serve) can tell cheaply that it must reload.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO meta (key, value) VALUES ('change_seq', 0);

-- +goose Down
DROP TABLE meta;
DROP TABLE observations;
DROP TABLE sources;
