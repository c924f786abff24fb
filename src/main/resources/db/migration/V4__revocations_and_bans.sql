-- Logout revokes one token until it would have expired anyway; its id (jti) is enough to refuse it.
create table revoked_tokens (
    jti        varchar(64) primary key,
    -- whose token: other nodes close that user's connections opened with it
    username   varchar(32) not null,
    expires_at timestamp with time zone not null
);
create index revoked_tokens_expires on revoked_tokens (expires_at);

-- A banned user's tokens are refused and their logins fail until an admin lifts the ban.
create table bans (
    user_id   bigint      primary key references users (id),
    banned_by varchar(32) not null,
    banned_at timestamp with time zone not null
);
