-- Holds: each interval a case waited on the citizen or a third party.
CREATE TABLE case_holds (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases (id),
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX case_holds_case ON case_holds (case_id, started_at);
-- Queues: by receipt (newest first) and by due date, with the id as tie-break for keyset paging.
CREATE INDEX cases_team_received_id ON cases (team_id, received_at, id);
CREATE INDEX cases_due_id ON cases (due_at, id);
