-- Scorecards over a year read 300,000 figures and grouped them: too slow.
-- Each figure now carries its local month (YYYYMM, written by the service
-- with the calendar's zone; 0 until the next start dates the figures counted
-- before), and figure_tallies counts the figures of each month alike in
-- everything a scorecard counts. The tallies are kept by the triggers below
-- in the transaction of every change to case_figures, whoever makes it, so
-- they can never disagree with the figures (and these with the cases).
ALTER TABLE case_figures ADD COLUMN month INTEGER NOT NULL DEFAULT 0;

-- A part of a month is grouped from this index alone.
DROP INDEX case_figures_period;
CREATE INDEX case_figures_month ON case_figures
    (month, team_id, kind, processing_days, on_time, survey, process_score, result_score) INCLUDE (category_id, resolved_at);
-- The figures a holiday may change (store::figures::spanning).
CREATE INDEX case_figures_resolved ON case_figures (resolved_at);
-- Figures counted on another calendar basis, found at start without reading them all.
CREATE INDEX case_figures_zone ON case_figures (zone);

-- No team, no category and no score are '' and 0 here, so that a key is
-- unique among the folded rows. Writers never update a shared row (two
-- resolutions would wait for each other, or deadlock when they change two
-- keys in opposite orders): each statement on case_figures adds its own
-- unfolded rows of differences, and store::tallies::fold adds them into the
-- folded row of their key now and then (at start and every minute). A
-- month's count is the sum of its rows, folded or not.
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
    folded BOOLEAN NOT NULL DEFAULT TRUE
);
CREATE UNIQUE INDEX figure_tallies_folded ON figure_tallies
    (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id) WHERE folded;
CREATE INDEX figure_tallies_month ON figure_tallies (month);
CREATE INDEX figure_tallies_unfolded ON figure_tallies (month) WHERE NOT folded;

INSERT INTO figure_tallies
    (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id, cases)
SELECT month, COALESCE(team_id, ''), kind, processing_days, on_time, survey,
       COALESCE(process_score, 0), COALESCE(result_score, 0), COALESCE(category_id, ''), COUNT(*)
FROM case_figures
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;

-- One statement's changes, as differences by key (a statement of a
-- thousand figures adds far fewer rows).
CREATE FUNCTION case_figures_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO figure_tallies
            (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id, cases, folded)
        SELECT month, COALESCE(team_id, ''), kind, processing_days, on_time, survey,
               COALESCE(process_score, 0), COALESCE(result_score, 0), COALESCE(category_id, ''), COUNT(*), FALSE
        FROM new_rows
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO figure_tallies
            (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id, cases, folded)
        SELECT month, COALESCE(team_id, ''), kind, processing_days, on_time, survey,
               COALESCE(process_score, 0), COALESCE(result_score, 0), COALESCE(category_id, ''), -COUNT(*), FALSE
        FROM old_rows
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
    ELSE
        INSERT INTO figure_tallies
            (month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id, cases, folded)
        SELECT month, team_id, kind, processing_days, on_time, survey, process_score, result_score, category_id,
               SUM(n), FALSE
        FROM (
            SELECT month, COALESCE(team_id, '') AS team_id, kind, processing_days, on_time, survey,
                   COALESCE(process_score, 0) AS process_score, COALESCE(result_score, 0) AS result_score,
                   COALESCE(category_id, '') AS category_id, -1 AS n
            FROM old_rows
            UNION ALL
            SELECT month, COALESCE(team_id, ''), kind, processing_days, on_time, survey,
                   COALESCE(process_score, 0), COALESCE(result_score, 0), COALESCE(category_id, ''), 1
            FROM new_rows
        ) AS change
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
        HAVING SUM(n) <> 0;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER case_figures_tally_insert AFTER INSERT ON case_figures
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_figures_tally();
CREATE TRIGGER case_figures_tally_delete AFTER DELETE ON case_figures
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION case_figures_tally();
CREATE TRIGGER case_figures_tally_update AFTER UPDATE ON case_figures
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_figures_tally();
