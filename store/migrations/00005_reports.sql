-- +goose Up
-- Reports as issued: so that "revised since the last report" compares with
-- what the committee actually saw, and a past report can be reproduced from
-- the figures as they stood (data_as_at).
CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL, -- monthly, biweekly
    team         TEXT    NOT NULL,
    period       TEXT    NOT NULL, -- the period reported on, as vitalsigns writes it
    format       TEXT    NOT NULL,
    generated_at TEXT    NOT NULL, -- RFC 3339, UTC
    data_as_at   TEXT    NOT NULL, -- the instant the figures were read as of
    change_seq   INTEGER NOT NULL  -- the store's change counter then
);
CREATE INDEX reports_kind_team ON reports (kind, team, generated_at);

-- +goose Down
DROP TABLE reports;
