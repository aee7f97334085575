package dev.lifeboat.testing;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** A MariaDB server for tests; each test makes databases of its own with {@link #newDatabase}. */
public record MariaDbServer(String host, int port, String user, String password) {

    public DatabaseTarget target(String database) {
        return new DatabaseTarget(DatabaseEngine.MARIADB, host, port, database, user, Secret.of(password));
    }

    public DatabaseTarget newDatabase(String prefix) {
        String name = PostgresServer.uniqueName(prefix);
        execute("", "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
        return target(name);
    }

    /** A connection to {@code database} (any name: it is selected with USE, not put into the URL). */
    public Connection connect(String database) throws SQLException {
        Connection c = DriverManager.getConnection(
                "jdbc:mariadb://" + host + ":" + port + "/?allowMultiQueries=true", user, password);
        if (!database.isEmpty()) {
            try (Statement use = c.createStatement()) {
                use.execute("USE `" + database.replace("`", "``") + "`");
            }
        }
        return c;
    }

    /** A new database named {@code prefix} plus a unique suffix, which may hold any character. */
    public DatabaseTarget newDatabaseNamed(String prefix) {
        String name = prefix + PostgresServer.uniqueName("x").substring(2);
        execute("", "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
        return target(name);
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
