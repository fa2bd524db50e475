DROP INDEX cases_received_stats;
DROP INDEX cases_resolved_stats;
DROP TABLE targets;
