-- The assistant (issue 14): an owner turns it on per room; its replies point at the message they answer.
alter table rooms add column assistant boolean default false not null;
alter table messages add column reply_to bigint;

-- The built-in user the replies come from. Id -1 lies below every id the pooled sequence hands
-- out (its first block is 1 to 50); not 0, which EclipseLink takes for "no id". No password hash: no password ever matches, and the name
-- being taken, nobody can register it. An existing account of that name (made before this
-- version) becomes the assistant's instead of a second one being made.
insert into users (id, username, username_key, display_name, password_hash, created_at)
select -1, 'assistant', 'assistant', 'Assistant', null, current_timestamp
where not exists (select 1 from users where username_key = 'assistant');
