/** Accounts: registration, login, tokens, logout, bans and the admin group. */
package dev.parley.accounts;
