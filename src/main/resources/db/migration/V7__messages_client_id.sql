-- A batch of sends looks up its client_ids in one statement (messages with any of these client_ids
-- in any of these rooms). The idempotency index leads with room_id, so that look-up read every
-- entry of each room; led by client_id it is one descent per client_id, however long the rooms.
create index messages_client_id on messages (client_id);
