-- Direct rooms: one per pair of users, found by "smallerId:largerId"; the unique index makes
-- two people writing first at the same moment still end up in one room.
alter table rooms add column direct_key varchar(41);
create unique index rooms_direct_key on rooms (direct_key);

-- Edits keep the seq and record when; deletes leave a tombstone so seqs stay gap-free.
alter table messages add column edited_at timestamp with time zone;
alter table messages add column deleted boolean default false not null;
