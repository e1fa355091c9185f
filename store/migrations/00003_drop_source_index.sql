-- +goose Up
-- Every ingest inserted each figure into this index as well as the table,
-- a quarter of the cost of storing a file; the queries by source (counting
-- a source's figures for `sources show`) are rare and a scan serves them.
DROP INDEX observations_source;

-- +goose Down
CREATE INDEX observations_source ON observations (source_id);
