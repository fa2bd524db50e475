-- What each resolved case contributes to the scorecards, kept in the same
-- transaction as every change of the case, its survey or the holidays, and
-- recomputed whole from the case each time (never incremented), so it cannot
-- drift from the cases. Scorecards read this narrow table instead of joining
-- cases, holds and surveys and counting business days for every case.
CREATE TABLE case_figures (
    case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases (id),
    team_id TEXT,
    category_id TEXT,
    kind TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP NOT NULL,
    processing_days INTEGER NOT NULL,
    on_time BOOLEAN NOT NULL,
    -- 0: no survey, 1: sent (or a call due), 2: answered.
    survey INTEGER NOT NULL,
    process_score INTEGER,
    result_score INTEGER,
    -- The calendar's zone the days were counted in: another zone recounts them.
    zone TEXT NOT NULL
);
-- A period's figures are read from the index alone.
CREATE INDEX case_figures_period ON case_figures
    (resolved_at, team_id, kind, category_id, processing_days, on_time, survey, process_score, result_score);
