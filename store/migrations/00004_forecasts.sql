-- +goose Up
-- Forecasts as made (and rolling-origin backtests), kept to be scored when
-- the actual figures arrive. The first record for a key wins: what was
-- forecast at the time is never rewritten.
CREATE TABLE forecasts (
    indicator   TEXT    NOT NULL,
    team        TEXT    NOT NULL,
    frequency   TEXT    NOT NULL,
    origin_last TEXT    NOT NULL, -- last day of the last period forecast from
    target_last TEXT    NOT NULL, -- last day of the period forecast
    kind        TEXT    NOT NULL CHECK (kind IN ('made', 'backtest')),
    horizon     INTEGER NOT NULL CHECK (horizon >= 1),
    made_at     TEXT    NOT NULL, -- RFC 3339, UTC
    model       TEXT    NOT NULL,
    value       REAL    NOT NULL,
    lo80        REAL    NOT NULL,
    hi80        REAL    NOT NULL,
    lo95        REAL    NOT NULL,
    hi95        REAL    NOT NULL,
    PRIMARY KEY (indicator, team, frequency, origin_last, target_last, kind)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE forecasts;
