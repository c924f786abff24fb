-- When a message was last edited or deleted. In cluster mode a node that lost Redis for a while
-- replays to its sockets the edits and deletes they missed, found by this column. Null for a
-- message never changed.
alter table messages add column changed_at timestamp with time zone;
create index messages_changed on messages (room_id, changed_at);
