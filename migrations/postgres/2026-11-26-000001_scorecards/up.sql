-- Yearly satisfaction targets per kind, set by admins (RULES.md).
CREATE TABLE targets (
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    satisfaction_rate DOUBLE PRECISION NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (year, kind)
);

-- Scorecards read a period's resolved cases, and the open ones among those
-- it received, from these indexes alone (index-only scans), so a month costs
-- the same at any table size. Receipts are counted on cases_team_received.
CREATE INDEX cases_resolved_stats ON cases (resolved_at) INCLUDE (team_id, kind, category_id, received_at, due_at, id);
CREATE INDEX cases_open_received ON cases (is_open, received_at) INCLUDE (team_id, kind, category_id, due_at, held_since);

-- A resolved case's survey, read beside it without touching the table.
CREATE INDEX surveys_case_scores ON surveys (case_id) INCLUDE (answered_at, process_score, result_score);
