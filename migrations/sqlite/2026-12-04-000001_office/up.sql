-- The back office: sessions kept on the server (the cookie holds a random id,
-- stored here only as its hash), each with its CSRF token; and each
-- operator's language.
CREATE TABLE office_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    operator_id TEXT NOT NULL REFERENCES operators (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX office_sessions_operator ON office_sessions (operator_id);
ALTER TABLE operators ADD COLUMN locale TEXT NOT NULL DEFAULT 'ko';
