package dev.lifeboat.core.model;

import dev.lifeboat.core.error.InvalidInputException;
import java.util.Objects;

/**
 * Where a database lives, how to log in to it, and how the connection is encrypted. The password is a
 * {@link Secret}, so printing a target never prints the password. Without a {@link Tls} of its own, a
 * target gets {@link Tls#defaultFor its host's default}.
 */
public record DatabaseTarget(
        DatabaseEngine engine, String host, int port, String database, String user, Secret password, Tls tls) {

    public DatabaseTarget(DatabaseEngine engine, String host, int port, String database, String user, Secret password) {
        this(engine, host, port, database, user, password, null);
    }

    public DatabaseTarget {
        Objects.requireNonNull(engine, "engine");
        requireText(host, "host");
        requireText(database, "database");
        requireText(user, "user");
        if (port < 1 || port > 65535) {
            throw new InvalidInputException("port " + port + " is out of range; use 1 to 65535");
        }
        password = password == null ? Secret.none() : password;
        tls = tls == null ? Tls.defaultFor(host) : tls;
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(field + " is missing");
        }
    }

    public DatabaseTarget withDatabase(String otherDatabase) {
        return new DatabaseTarget(engine, host, port, otherDatabase, user, password, tls);
    }

    public DatabaseTarget withPassword(Secret otherPassword) {
        return new DatabaseTarget(engine, host, port, database, user, otherPassword, tls);
    }

    public DatabaseTarget withTls(Tls otherTls) {
        return new DatabaseTarget(engine, host, port, database, user, password, otherTls);
    }

    /** user@host:port/database, for messages: never the password. */
    public String describe() {
        return engine.urlScheme() + "://" + user + "@" + host + ":" + port + "/" + database;
    }
}
