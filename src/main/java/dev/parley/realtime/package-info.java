/** Real time: socket endpoints, the session registry, outboxes, presence and delivery lanes. */
package dev.parley.realtime;
