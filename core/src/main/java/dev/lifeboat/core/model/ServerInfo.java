package dev.lifeboat.core.model;

/** What a database server says of itself: its engine as detected and its version. */
public record ServerInfo(DatabaseEngine engine, SoftwareVersion version) {}
