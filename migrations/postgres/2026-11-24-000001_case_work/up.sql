-- Holds: each interval a case waited on the citizen or a third party.
CREATE TABLE case_holds (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX case_holds_case ON case_holds (case_id, started_at);
-- Queues: by receipt (newest first) and by due date, with the id as tie-break for keyset paging.
CREATE INDEX cases_team_received_id ON cases (team_id, received_at, id);
CREATE INDEX cases_due_id ON cases (due_at, id);
-- Work queues are open cases by due date. A status IN (...) list cannot walk
-- an index in due order, so openness is kept as a column of its own.
ALTER TABLE cases ADD COLUMN is_open BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE cases SET is_open = status IN ('received', 'assigned', 'in_progress', 'on_hold');
CREATE INDEX cases_open_due ON cases (is_open, due_at, id);
CREATE INDEX cases_team_open_due ON cases (team_id, is_open, due_at, id);
-- Text search (q) uses ILIKE; trigram GIN indexes serve it where pg_trgm can
-- be installed. Without the extension the search is still correct, only slower.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm unavailable (%); case search runs without a trigram index', SQLERRM;
END
$$;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX cases_title_trgm ON cases USING gin (lower(title) gin_trgm_ops)';
        EXECUTE 'CREATE INDEX cases_description_trgm ON cases USING gin (lower(description) gin_trgm_ops)';
    END IF;
END
$$;
