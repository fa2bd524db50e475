-- Receipts to one address from public intakes are counted per day, whatever
-- the letter case the sender typed.
CREATE INDEX outbox_recipient_created ON outbox (lower(to_addr), created_at);
