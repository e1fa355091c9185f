-- +goose Up
-- DfE files imported with `vitalsigns benchmarks import`: each file as
-- published (its bytes, read again as the top layer over the data built
-- into the binary), once per content; and the figures of the mapped
-- indicators it held, with history: a release that restates a year adds a
-- revision of each figure that changed.
CREATE TABLE benchmark_files (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,        -- the file's base name
    sha256      TEXT NOT NULL UNIQUE, -- of its bytes: a re-import is a no-op
    kind        TEXT NOT NULL,        -- tidy, grouping
    size        INTEGER NOT NULL,
    imported_at TEXT NOT NULL,        -- RFC 3339, UTC
    content     BLOB NOT NULL
);
CREATE TABLE benchmark_figures (
    indicator  TEXT    NOT NULL,
    year       INTEGER NOT NULL, -- the year the period ends in
    year_label TEXT    NOT NULL, -- as DfE labels it, e.g. 2025 or 2024/25
    level      TEXT    NOT NULL, -- National, Regional, Local authority
    code       TEXT    NOT NULL, -- country_code, region_code or old_la_code
    name       TEXT    NOT NULL,
    status     TEXT    NOT NULL, -- published, suppressed, missing
    raw        TEXT    NOT NULL, -- the cell as published
    value      REAL,             -- NULL unless published
    revision   INTEGER NOT NULL,
    file_id    INTEGER NOT NULL REFERENCES benchmark_files (id),
    PRIMARY KEY (indicator, year, level, code, revision)
);

-- +goose Down
DROP TABLE benchmark_figures;
DROP TABLE benchmark_files;
