DROP TRIGGER case_figures_tally_update;
DROP TRIGGER case_figures_tally_delete;
DROP TRIGGER case_figures_tally_insert;
DROP TABLE figure_tallies;
DROP INDEX case_figures_zone;
DROP INDEX case_figures_resolved;
DROP INDEX case_figures_month;
ALTER TABLE case_figures DROP COLUMN month;
CREATE INDEX case_figures_period ON case_figures
    (resolved_at, team_id, kind, category_id, processing_days, on_time, survey, process_score, result_score);
