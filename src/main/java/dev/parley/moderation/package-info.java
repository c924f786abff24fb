/** Moderation: what admins may do to other users' connections, accounts and messages. */
package dev.parley.moderation;
