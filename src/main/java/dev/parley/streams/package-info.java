/** Streams: a room as Server-Sent Events. */
package dev.parley.streams;
