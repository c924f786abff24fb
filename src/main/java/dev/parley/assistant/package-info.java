/**
 * The assistant in the room: a mention of {@code @assistant} (where the owner turned it on) or a
 * message in a direct room with the user {@code assistant} asks an OpenAI-compatible model
 * server for a reply. The reply streams to the room as droppable {@code ai_chunk} frames and is
 * then saved through the one send path like any message; a failure is an {@code ai_error} frame
 * and saves nothing.
 */
package dev.parley.assistant;
