-- One script for H2 (2.x) and PostgreSQL (13+): only portable types and syntax.
-- Ids come from sequences (allocation 50, as the entities declare): portable across JPA
-- providers and databases, unlike identity columns, and they need no round trip per insert.
-- A pooled sequence returns the top of each block of 50, so it starts at 50.
create sequence users_seq start with 50 increment by 50;
create sequence rooms_seq start with 50 increment by 50;
create sequence messages_seq start with 50 increment by 50;

create table users (
    id            bigint       primary key,
    username      varchar(32)  not null,
    -- usernames compare case-insensitively: the lower-cased form is the unique key
    username_key  varchar(32)  not null,
    display_name  varchar(64)  not null,
    password_hash varchar(300),
    created_at    timestamp with time zone not null,
    constraint users_username_key unique (username_key)
);

create table rooms (
    id         bigint       primary key,
    name       varchar(100) not null,
    topic      varchar(500),
    visibility varchar(10)  not null,
    owner_id   bigint       not null references users (id),
    -- the last seq handed out; read and bumped under a row lock by every send
    last_seq   bigint       not null default 0,
    created_at timestamp with time zone not null
);

create table memberships (
    room_id       bigint      not null references rooms (id),
    user_id       bigint      not null references users (id),
    last_read_seq bigint      not null default 0,
    joined_at     timestamp with time zone not null,
    primary key (room_id, user_id)
);
create index memberships_user on memberships (user_id);

create table messages (
    id           bigint        primary key,
    room_id      bigint        not null references rooms (id),
    seq          bigint        not null,
    sender_id    bigint        not null references users (id),
    content      varchar(4000) not null,
    message_type varchar(20)   not null,
    client_id    varchar(64),
    created_at   timestamp with time zone not null,
    constraint messages_room_seq unique (room_id, seq)
);
-- NULLs are distinct in unique indexes on both databases, so this only binds when client_id is set
create unique index messages_idempotency on messages (room_id, sender_id, client_id);
