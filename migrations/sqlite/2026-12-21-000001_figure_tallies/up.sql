-- Scorecards over a year read 300,000 figures and grouped them: too slow.
-- Each figure now carries its local month (YYYYMM, written by the service
-- with the calendar's zone; 0 until the next start dates the figures counted
-- before), and figure_tallies counts the figures of each month alike in
-- everything a scorecard counts. The tallies are kept by the triggers below
-- in the transaction of every change to case_figures, whoever makes it, so
-- they can never disagree with the figures (and these with the cases).
ALTER TABLE case_figures ADD COLUMN month INTEGER NOT NULL DEFAULT 0;

-- A part of a month is grouped from this index alone, in its order (no sort).
DROP INDEX case_figures_period;
CREATE INDEX case_figures_month ON case_figures
    (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id, resolved_at);
-- The figures a holiday may change (store::figures::spanning).
CREATE INDEX case_figures_resolved ON case_figures (resolved_at);
-- Figures counted on another calendar basis, found at start without reading them all.
CREATE INDEX case_figures_zone ON case_figures (zone);

-- No team, no category and no score are '' and 0 here, so that a key is
-- unique. SQLite has one writer at a time: a change adds to the one row of
-- its key at once, and every row is folded (see the PostgreSQL migration).
CREATE TABLE figure_tallies (
    month INTEGER NOT NULL,
    team_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    processing_days INTEGER NOT NULL,
    on_time BOOLEAN NOT NULL,
    survey INTEGER NOT NULL,
    process_score INTEGER NOT NULL,
    result_score INTEGER NOT NULL,
    category_id TEXT NOT NULL,
    cases BIGINT NOT NULL,
    folded BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id)
) WITHOUT ROWID;

INSERT INTO figure_tallies
    (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id, cases)
SELECT month, COALESCE(team_id, ''), kind, processing_days, on_time, survey,
       COALESCE(process_score, 0), COALESCE(result_score, 0), COALESCE(category_id, ''), COUNT(*)
FROM case_figures
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

CREATE TRIGGER case_figures_tally_insert AFTER INSERT ON case_figures
BEGIN
    INSERT INTO figure_tallies
        (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id, cases)
    VALUES (NEW.month, COALESCE(NEW.team_id, ''), NEW.kind, NEW.processing_days, NEW.on_time, NEW.survey,
            COALESCE(NEW.process_score, 0), COALESCE(NEW.result_score, 0), COALESCE(NEW.category_id, ''), 1)
    ON CONFLICT (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id)
    DO UPDATE SET cases = cases + 1;
END;

CREATE TRIGGER case_figures_tally_delete AFTER DELETE ON case_figures
BEGIN
    INSERT INTO figure_tallies
        (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id, cases)
    VALUES (OLD.month, COALESCE(OLD.team_id, ''), OLD.kind, OLD.processing_days, OLD.on_time, OLD.survey,
            COALESCE(OLD.process_score, 0), COALESCE(OLD.result_score, 0), COALESCE(OLD.category_id, ''), -1)
    ON CONFLICT (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id)
    DO UPDATE SET cases = cases - 1;
END;

CREATE TRIGGER case_figures_tally_update AFTER UPDATE ON case_figures
BEGIN
    INSERT INTO figure_tallies
        (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id, cases)
    VALUES (OLD.month, COALESCE(OLD.team_id, ''), OLD.kind, OLD.processing_days, OLD.on_time, OLD.survey,
            COALESCE(OLD.process_score, 0), COALESCE(OLD.result_score, 0), COALESCE(OLD.category_id, ''), -1)
    ON CONFLICT (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id)
    DO UPDATE SET cases = cases - 1;
    INSERT INTO figure_tallies
        (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id, cases)
    VALUES (NEW.month, COALESCE(NEW.team_id, ''), NEW.kind, NEW.processing_days, NEW.on_time, NEW.survey,
            COALESCE(NEW.process_score, 0), COALESCE(NEW.result_score, 0), COALESCE(NEW.category_id, ''), 1)
    ON CONFLICT (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id)
    DO UPDATE SET cases = cases + 1;
END;
