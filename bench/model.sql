-- Writes bench/ceiling.sh's pgbench scripts for "PostgreSQL doing only
-- civicdesk's own statements", from rows civicdesk stored in this database.
-- psql -v sets :kind (intake or read) and :batch (intakes a statement, so a
-- transaction; 1 is one intake per transaction). Prints the script.
--
-- A text literal in a pgbench script must not hold a colon (pgbench takes
-- ":12" in "14:12" for a variable) or a line break: values are written as
-- E'' strings with both escaped.
\set QUIET on
\pset tuples_only on
\pset format unaligned
CREATE OR REPLACE FUNCTION pg_temp.lit(v text) RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN v IS NULL THEN 'NULL' ELSE
    'E''' || replace(replace(replace(replace(replace(v, '\', '\\'), '''', ''''''),
      ':', '\x3a'), E'\n', '\n'), E'\r', '\r') || '''' END $$;
-- A fresh key in civicdesk's shape: a uuid v7's text, ordered by time (the
-- statement's; the rest random).
CREATE OR REPLACE FUNCTION pg_temp.key() RETURNS text LANGUAGE sql AS $$
  SELECT $k$overlay(overlay(gen_random_uuid()::text placing lpad(to_hex((extract(epoch FROM now()) * 1000)::bigint >> 16), 8, '0') from 1 for 8) placing lpad(to_hex((extract(epoch FROM now()) * 1000)::bigint & 65535), 4, '0') from 10 for 4)$k$ $$;
-- cols(ROW) — the row's column names, in table order; vals(ROW, OVERRIDES) —
-- its values as literals, in the same order, with the columns OVERRIDES
-- names replaced by its SQL expressions.
CREATE OR REPLACE FUNCTION pg_temp.cols(r json) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(quote_ident(key), ', ' ORDER BY ord) FROM json_each_text(r) WITH ORDINALITY AS j(key, value, ord) $$;
CREATE OR REPLACE FUNCTION pg_temp.vals(r json, o json) RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(coalesce(o ->> key, pg_temp.lit(value)), ', ' ORDER BY ord)
  FROM json_each_text(r) WITH ORDINALITY AS j(key, value, ord) $$;

SELECT :'kind' = 'intake' AS intake \gset
\if :intake
  WITH c AS (SELECT row_to_json(c) r, c.id FROM cases c ORDER BY c.received_at LIMIT 1),
  now AS (SELECT json_build_object('received_at', 'localtimestamp', 'created_at', 'localtimestamp',
      'updated_at', 'localtimestamp', 'at', 'localtimestamp', 'not_before', 'localtimestamp') n),
  email AS (SELECT $e$'citizen' || :n || '@example.org'$e$ e)
  SELECT E'-- pgbench: one intake''s rows (a case, its events, its receipt email) and\n'
    || E'-- the flood check, one statement per transaction; see bench/ceiling.sh.\n'
    || E'\\set n random(1, 1000000000)\n'
    || 'WITH c AS (INSERT INTO cases (' || pg_temp.cols(c.r) || ') SELECT '
    || pg_temp.vals(c.r, (now.n::jsonb || jsonb_build_object('id', pg_temp.key(),
         'receipt_no', $r$'M-' || nextval('model_receipt')$r$,
         'title', $t$'학교 앞 도로 포트홀 ' || :n$t$, 'citizen_email', email.e))::json)
    || ' FROM generate_series(1, ' || :batch || ') RETURNING id)'
    || (SELECT string_agg(', e' || ord || ' AS (INSERT INTO case_events (' || pg_temp.cols(r)
         || ') SELECT ' || pg_temp.vals(r, (now.n::jsonb || jsonb_build_object('id', pg_temp.key(),
              'case_id', 'c.id'))::json) || ' FROM c)', '' ORDER BY ord)
        FROM (SELECT row_to_json(ce) r, row_number() OVER (ORDER BY ce.id) ord
              FROM case_events ce WHERE ce.case_id = c.id) ev)
    || (SELECT ', o AS (INSERT INTO outbox (' || pg_temp.cols(r) || ') SELECT '
         || pg_temp.vals(r, (now.n::jsonb || jsonb_build_object('id', pg_temp.key(),
              'case_id', 'c.id', 'to_addr', email.e, 'status', $p$'pending'$p$,
              'sent_at', 'NULL', 'lease_until', 'NULL', 'attempts', '0'))::json) || ' FROM c)'
        FROM (SELECT row_to_json(ob) r FROM outbox ob WHERE ob.case_id = c.id ORDER BY ob.id LIMIT 1) o1)
    || ' SELECT count(*) FROM outbox WHERE lower(to_addr) = lower(' || email.e
    || $f$) AND created_at > localtimestamp - interval '1 day' AND kind = 'receipt';$f$
  FROM c, now, email;
\else
SELECT E'-- pgbench: civicdesk''s case read (store::cases::find_for_reading), by key\n'
  || E'-- over the cases in model_ids; see bench/ceiling.sh. The key is looked up in\n'
  || E'-- model_ids first (pgbench holds numbers, not ids): a little more than civicdesk does.\n'
  || E'\\set k random(1, ' || (SELECT count(*) FROM model_ids) || E')\n'
  || 'SELECT cases.*, reference_version.database_id, current_database(), reference_version.version, '
  || 'case_holds.started_at, case_holds.ended_at FROM ((cases INNER JOIN reference_version '
  || 'ON reference_version.id = 1) LEFT OUTER JOIN case_holds ON case_holds.case_id = cases.id) '
  || 'WHERE cases.id = (SELECT id FROM model_ids WHERE n = :k) ORDER BY case_holds.started_at;';
\endif
