package dev.lifeboat.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/** Loads the SQL fixtures under src/test/resources/fixtures: statements separated by lines holding only "/". */
public final class Fixtures {
    private Fixtures() {}

    public static List<String> statements(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.stream(text.split("(?m)^/\\s*$"))
                    .map(s -> s.replaceAll("(?m)^--.*$", "").strip())
                    .filter(s -> !s.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void load(Connection c, String resource) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String sql : statements(resource)) {
                s.execute(sql);
            }
        }
    }

    /** The PostgreSQL fixture in a fresh database. */
    public static void loadTricky(PostgresServer pg, String database) {
        try (Connection c = pg.connect(database)) {
            load(c, "postgres-tricky.sql");
        } catch (SQLException e) {
            throw new IllegalStateException("loading the PostgreSQL fixture failed: " + e.getMessage(), e);
        }
    }

    public static void loadTricky(MariaDbServer db, String database) {
        try (Connection c = db.connect(database)) {
            load(c, "mariadb-tricky.sql");
        } catch (SQLException e) {
            throw new IllegalStateException("loading the MariaDB fixture failed: " + e.getMessage(), e);
        }
    }
}
