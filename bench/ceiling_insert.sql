-- pgbench script: one single-row INSERT per transaction (autocommit), the
-- most a durable write can do on the cluster; see bench/ceiling.sh.
\set n random(1, 1000000000)
INSERT INTO ceiling_insert (kind, title, email) VALUES ('grievance', 'pothole ' || :n, 'citizen' || :n || '@example.org');
