/** Messages: the one send path, edits, deletes, history and direct messages. */
package dev.parley.messages;
