package dev.lifeboat.core.model;

import java.util.Objects;

/**
 * Where a database lives and how to log in to it. The password is a {@link Secret}, so printing a
 * target never prints the password.
 */
public record DatabaseTarget(
        DatabaseEngine engine, String host, int port, String database, String user, Secret password) {

    public DatabaseTarget {
        Objects.requireNonNull(engine, "engine");
        requireText(host, "host");
        requireText(database, "database");
        requireText(user, "user");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range; use 1 to 65535");
        }
        password = password == null ? Secret.none() : password;
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is missing");
        }
    }

    public DatabaseTarget withDatabase(String otherDatabase) {
        return new DatabaseTarget(engine, host, port, otherDatabase, user, password);
    }

    public DatabaseTarget withPassword(Secret otherPassword) {
        return new DatabaseTarget(engine, host, port, database, user, otherPassword);
    }

    /** user@host:port/database, for messages: never the password. */
    public String describe() {
        return engine.urlScheme() + "://" + user + "@" + host + ":" + port + "/" + database;
    }
}
