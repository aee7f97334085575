package dev.lifeboat.core.model;

/** A table that holds rows, and its size on disk: how a parallel dump shares tables between its parts. */
public record TableSize(String schema, String table, long bytes) {}
