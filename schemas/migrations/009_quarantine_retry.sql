-- A quarantine says whether its cause was this machine's (a timeout, a worker lost, the memory
-- ceiling, Tesseract missing: `transient`, retried by the next ingest a bounded number of times)
-- or the file's (not a PDF, encrypted, empty, undecodable: `permanent`), and how many times the
-- source has been tried and failed (flows/plan.py).

-- A CHECK cannot be added to a column in place: the table is rebuilt with its rows.
ALTER TABLE sources RENAME TO sources_before_009;
CREATE TABLE sources (
    source_id    VARCHAR PRIMARY KEY,          -- sha256 of the raw bytes
    path         VARCHAR NOT NULL,             -- first path seen, relative to data/raw when inside it
    media_type   VARCHAR NOT NULL CHECK (media_type IN ('pdf', 'text')),
    status       VARCHAR NOT NULL CHECK (status IN ('ok', 'quarantined')),
    error        VARCHAR,
    pages        INTEGER,
    bytes        BIGINT NOT NULL,
    warnings     VARCHAR[],
    ingested_at  TIMESTAMP NOT NULL,
    failure      VARCHAR CHECK (failure IN ('transient', 'permanent')),  -- NULL when ok
    attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),       -- tries that failed
    CHECK ((status = 'ok') = (failure IS NULL))
);
-- Rows quarantined before this migration carry only their message: they are classified by the
-- messages the worker pool, the flow and the OCR reader wrote for causes that pass (anything
-- else is the file's), and count as tried once.
INSERT INTO sources
SELECT source_id, path, media_type, status, error, pages, bytes, warnings, ingested_at,
       CASE WHEN status = 'ok' THEN NULL
            WHEN regexp_matches(coalesce(error, ''),
                 'per-file timeout|the parser process (died|did not start)|ran out of memory'
                 || '|unexpected MemoryError|could not be staged|the parse task failed'
                 || '|OCR cannot run: Tesseract|a scan, and OCR failed \(.*timed out')
            THEN 'transient' ELSE 'permanent' END,
       CASE WHEN status = 'ok' THEN 0 ELSE 1 END
FROM sources_before_009;
DROP TABLE sources_before_009;
