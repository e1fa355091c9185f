-- +goose Up
-- Why a source was withdrawn, for the audit trail.
ALTER TABLE sources ADD COLUMN withdrawn_reason TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE sources DROP COLUMN withdrawn_reason;
