package dev.parley.platform.entity;

/** One field at fault in a request body or query. */
public record FieldError(String field, String message) {}
