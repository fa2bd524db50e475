-- When each API token last authenticated a request, so an admin can tell a
-- token in use from one forgotten; recorded at most once a minute per token.
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMP;
