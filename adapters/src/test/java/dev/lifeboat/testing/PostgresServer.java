package dev.lifeboat.testing;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** A PostgreSQL server for tests; each test makes databases of its own with {@link #newDatabase}. */
public record PostgresServer(String host, int port, String user, String password) {

    public DatabaseTarget target(String database) {
        return new DatabaseTarget(DatabaseEngine.POSTGRESQL, host, port, database, user, Secret.of(password));
    }

    /** A fresh, empty database with a unique name. */
    public DatabaseTarget newDatabase(String prefix) {
        String name = uniqueName(prefix);
        execute("postgres", "CREATE DATABASE \"" + name + "\"");
        return target(name);
    }

    /** A unique name for a database that does not exist yet. */
    public static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + database, user, password);
    }

    /** Whether a database of that name exists on the server. */
    public boolean databaseExists(String database) {
        try (Connection c = connect("postgres");
                var q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            q.setString(1, database);
            try (var r = q.executeQuery()) {
                return r.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("looking for database " + database + " failed: " + e.getMessage(), e);
        }
    }

    public void execute(String database, String sql) {
        try (Connection c = connect(database);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + database + ": " + e.getMessage(), e);
        }
    }
}
