DROP INDEX surveys_case_scores;
DROP INDEX cases_open_received;
DROP INDEX cases_resolved_stats;
DROP TABLE targets;
