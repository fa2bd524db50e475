-- The back office's long lists read a page at a time in index order, so a
-- page costs the same at any history size:
-- the happy-call worklist (unanswered surveys, oldest first; answered ones,
-- newest first, walk the same index backwards) ...
CREATE INDEX surveys_answered_created ON surveys (answered_at, created_at, id);
-- ... and the done follow-ups, most recently done first.
CREATE INDEX follow_ups_status_done ON follow_ups (status, done_at, id);
-- The calls still to make, oldest first: only the unanswered surveys, so the
-- walk stops after a page however many answered ones there are (PostgreSQL
-- otherwise sorts every waiting survey joined to its case).
CREATE INDEX surveys_waiting ON surveys (created_at, id) WHERE answered_at IS NULL;
