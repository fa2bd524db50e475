-- Yearly satisfaction targets per kind, set by admins (RULES.md).
CREATE TABLE targets (
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    satisfaction_rate DOUBLE NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (year, kind)
);

-- Scorecards read a period's resolved and received cases from these indexes
-- alone (covering), so a month costs the same at any table size.
CREATE INDEX cases_resolved_stats ON cases (resolved_at, team_id, kind, category_id, received_at, due_at, id);
CREATE INDEX cases_received_stats ON cases (received_at, team_id, kind, category_id, is_open, due_at, held_since);
