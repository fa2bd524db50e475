DROP INDEX outbox_recipient_created;
