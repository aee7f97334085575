package dev.lifeboat.adapters.jdbc;

import dev.lifeboat.adapters.tls.TlsSettings;
import dev.lifeboat.core.error.DatabaseAccessException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.ServerInfo;
import dev.lifeboat.core.model.SoftwareVersion;
import dev.lifeboat.core.model.TableRowCount;
import dev.lifeboat.core.model.TableSize;
import dev.lifeboat.core.port.DatabaseInspector;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLException;

/** {@link DatabaseInspector} over JDBC (pgjdbc for PostgreSQL, MariaDB Connector/J for MariaDB and MySQL). */
public final class JdbcInspector implements DatabaseInspector {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcInspector.class);

    @Override
    public ServerInfo serverInfo(DatabaseTarget target) {
        try (Connection c = connect(target, target.database());
                Statement s = c.createStatement()) {
            if (target.engine() == DatabaseEngine.POSTGRESQL) {
                try (ResultSet rs = s.executeQuery("SHOW server_version")) {
                    rs.next();
                    return new ServerInfo(DatabaseEngine.POSTGRESQL, version(rs.getString(1), target));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT VERSION()")) {
                rs.next();
                String v = rs.getString(1);
                DatabaseEngine engine = v.contains("MariaDB") ? DatabaseEngine.MARIADB : DatabaseEngine.MYSQL;
                return new ServerInfo(engine, version(v, target));
            }
        } catch (SQLException e) {
            throw failure("cannot read the server version of", target, e);
        }
    }

    @Override
    public List<TableRowCount> rowCounts(DatabaseTarget target, long exactThreshold) {
        String listing = target.engine() == DatabaseEngine.POSTGRESQL ? """
                  SELECT n.nspname, c.relname, c.reltuples::bigint
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE c.relkind = 'r'
                    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                    AND n.nspname NOT LIKE 'pg\\_toast%'
                    AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                    WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
                  ORDER BY 1, 2""" : """
                  SELECT table_schema, table_name, table_rows FROM information_schema.tables
                  WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1, 2""";
        List<TableRowCount> counts = new ArrayList<>();
        try (Connection c = connect(target, target.database())) {
            List<Object[]> tables = new ArrayList<>();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(listing)) {
                while (rs.next()) {
                    long estimate = rs.getLong(3);
                    tables.add(new Object[] {rs.getString(1), rs.getString(2), rs.wasNull() ? -1L : estimate});
                }
            }
            for (Object[] t : tables) {
                String schema = (String) t[0];
                String table = (String) t[1];
                long estimate = (Long) t[2];
                if (estimate >= 0 && estimate > exactThreshold) {
                    counts.add(new TableRowCount(schema, table, estimate, false));
                } else {
                    try (Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery(
                                    "SELECT count(*) FROM " + quote(target, schema) + "." + quote(target, table))) {
                        rs.next();
                        counts.add(new TableRowCount(schema, table, rs.getLong(1), true));
                    }
                }
            }
            return counts;
        } catch (SQLException e) {
            throw failure("cannot count the rows of the tables of", target, e);
        }
    }

    @Override
    public long userObjectCount(DatabaseTarget target) {
        String sql = target.engine() == DatabaseEngine.POSTGRESQL ? """
                  SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE c.relkind IN ('r','p','v','m','S','f')
                            AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
                            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                            AND d.objid = c.oid AND d.deptype = 'e'))
                       + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                          WHERE n.nspname NOT IN ('pg_catalog','information_schema')
                            AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                                            AND d.objid = p.oid AND d.deptype = 'e'))""" : """
                  SELECT (SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE())
                       + (SELECT count(*) FROM information_schema.routines WHERE routine_schema = DATABASE())""";
        try (Connection c = connect(target, target.database());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw failure("cannot list the objects of", target, e);
        }
    }

    @Override
    public boolean databaseExists(DatabaseTarget target) {
        String sql = target.engine() == DatabaseEngine.POSTGRESQL
                ? "SELECT 1 FROM pg_database WHERE datname = ?"
                : "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?";
        try (Connection c = connectToServer(target);
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, target.database());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw failure("cannot look up the database on", target, e);
        }
    }

    @Override
    public void createDatabase(DatabaseTarget target) {
        String sql = target.engine() == DatabaseEngine.POSTGRESQL
                ? "CREATE DATABASE " + quote(target, target.database())
                : "CREATE DATABASE " + quote(target, target.database()) + " CHARACTER SET utf8mb4";
        try (Connection c = connectToServer(target);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw failure("cannot create the database on", target, e);
        }
    }

    /**
     * MariaDB: one statement, {@code CREATE DATABASE … COMMENT '…'} (10.5 and later), so the database never exists
     * without its note; an older server, which refuses the clause, gets the two steps. PostgreSQL: CREATE DATABASE
     * cannot run in a transaction, so the COMMENT follows at once on the same connection (a window of one round
     * trip). MySQL keeps no comment.
     */
    @Override
    public void createDatabase(DatabaseTarget target, String note) {
        if (note == null || target.engine() == DatabaseEngine.MYSQL) {
            createDatabase(target);
            return;
        }
        try (Connection c = connectToServer(target);
                Statement s = c.createStatement()) {
            if (target.engine() == DatabaseEngine.POSTGRESQL) {
                s.execute("CREATE DATABASE " + quote(target, target.database()));
                try {
                    s.execute(commentSql(target, note));
                } catch (SQLException e) {
                    LOG.warn("could not note the restore's state on {}: {}", target.describe(), e.getMessage());
                }
                return;
            }
            try {
                s.execute("CREATE DATABASE " + quote(target, target.database()) + " CHARACTER SET utf8mb4 COMMENT '"
                        + mariaDbLiteral(note) + "'");
            } catch (SQLException e) {
                if (e.getErrorCode() != 1064) { // not "syntax": a real failure
                    throw e;
                }
                s.execute("CREATE DATABASE " + quote(target, target.database()) + " CHARACTER SET utf8mb4");
            }
        } catch (SQLException e) {
            throw failure("cannot create the database on", target, e);
        }
    }

    private String commentSql(DatabaseTarget target, String note) {
        return target.engine() == DatabaseEngine.POSTGRESQL
                ? "COMMENT ON DATABASE " + quote(target, target.database()) + " IS '" + note.replace("'", "''") + "'"
                : "ALTER DATABASE " + quote(target, target.database()) + " COMMENT '" + mariaDbLiteral(note) + "'";
    }

    private static String mariaDbLiteral(String text) {
        return text.replace("\\", "\\\\").replace("'", "''");
    }

    @Override
    public void noteRestore(DatabaseTarget target, String note) {
        if (target.engine() == DatabaseEngine.MYSQL) {
            return; // MySQL keeps no comment on a database
        }
        // COMMENT takes a literal, not a parameter: the note is Lifeboat's own text (ids, times), quoted as a literal.
        String sql = commentSql(target, note);
        try (Connection c = connectToServer(target);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw failure("cannot note the restore's state on the database of", target, e);
        }
    }

    @Override
    public java.util.Optional<String> restoreNote(DatabaseTarget target) {
        if (target.engine() == DatabaseEngine.MYSQL) {
            return java.util.Optional.empty();
        }
        boolean pg = target.engine() == DatabaseEngine.POSTGRESQL;
        try (Connection c = connectToServer(target);
                PreparedStatement p = c.prepareStatement(
                        pg
                                ? "SELECT pg_catalog.shobj_description(oid, 'pg_database')"
                                        + " FROM pg_catalog.pg_database WHERE datname = ?"
                                : "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            p.setString(1, target.database());
            try (ResultSet rs = p.executeQuery()) {
                return rs.next()
                        ? java.util.Optional.ofNullable(rs.getString(1)).filter(n -> !n.isEmpty())
                        : java.util.Optional.empty();
            }
        } catch (SQLException e) {
            if (!pg) {
                return java.util.Optional.empty(); // MariaDB before 10.5 keeps no schema comment
            }
            throw failure("cannot read the comment of the database on", target, e);
        }
    }

    @Override
    public void dropCreatedDatabase(DatabaseTarget target) {
        // No FORCE: the restore's own loader has ended, and a session someone else opened meanwhile is a
        // reason to stop, not to cut off.
        String sql = "DROP DATABASE IF EXISTS " + quote(target, target.database());
        try (Connection c = connectToServer(target);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw failure("cannot remove the database it created on", target, e);
        }
    }

    @Override
    public double scalar(DatabaseTarget target, String sql) {
        try (Connection c = connect(target, target.database());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new DatabaseAccessException(
                        "the query returned no row: " + sql, "a verification assertion must return one number");
            }
            return rs.getDouble(1);
        } catch (SQLException e) {
            throw failure("cannot run a verification query on", target, e);
        }
    }

    /**
     * The ordinary tables a parallel dump shares out, as the snapshot sees them: leaf partitions included; the
     * catalogs', temporary tables and extensions' member tables left out (pg_dump dumps those as one stream would,
     * in the part that takes everything the others do not name).
     */
    private static final String TABLES_BY_SIZE = """
            SELECT n.nspname, c.relname, pg_catalog.pg_total_relation_size(c.oid)
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND c.relpersistence <> 't'
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')
               AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                                WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                  AND d.objid = c.oid AND d.deptype = 'e')
             ORDER BY 3 DESC, 1, 2""";

    /**
     * A read-only repeatable-read transaction that exports its snapshot and stays open until closed (issue 13); the
     * tables are listed in it, so they are exactly those every part of the dump sees.
     */
    @Override
    public SnapshotHold exportSnapshot(DatabaseTarget target) {
        return exportSnapshot(target, false).orElseThrow();
    }

    @Override
    public java.util.Optional<SnapshotHold> exportSnapshotForChanges(DatabaseTarget target) {
        return target.engine() == DatabaseEngine.POSTGRESQL ? exportSnapshot(target, true) : java.util.Optional.empty();
    }

    /**
     * The snapshot; with {@code onlyWithChanges}, only where logical decoding is on, and then with its place in the
     * change stream: the WAL position is read before the snapshot is taken, so every transaction the snapshot does
     * not see commits after it (issue 41).
     */
    private java.util.Optional<SnapshotHold> exportSnapshot(DatabaseTarget target, boolean onlyWithChanges) {
        if (target.engine() != DatabaseEngine.POSTGRESQL) {
            throw new UnsupportedOperationException("only PostgreSQL exports snapshots");
        }
        Connection c;
        try {
            c = connect(target, target.database());
        } catch (SQLException e) {
            throw failure("cannot connect to export a snapshot of", target, e);
        }
        try {
            String lsn = null;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT CASE WHEN current_setting('wal_level') = 'logical' AND NOT"
                                    + " pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_current_wal_insert_lsn()::text END")) {
                rs.next();
                lsn = rs.getString(1);
            }
            if (lsn == null && onlyWithChanges) {
                c.close();
                return java.util.Optional.empty();
            }
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            String id;
            List<TableSize> tables = new ArrayList<>();
            SnapshotHold.ChangesMark mark = null;
            try (Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery(
                        "SELECT pg_catalog.pg_export_snapshot(), pg_catalog.txid_current_snapshot()::text")) {
                    rs.next();
                    id = rs.getString(1);
                    if (lsn != null) {
                        mark = new SnapshotHold.ChangesMark(lsn, rs.getString(2), PgChangeFeed.fingerprint(c));
                    }
                }
                try (ResultSet rs = s.executeQuery(TABLES_BY_SIZE)) {
                    while (rs.next()) {
                        tables.add(new TableSize(rs.getString(1), rs.getString(2), rs.getLong(3)));
                    }
                }
            }
            List<TableSize> seen = List.copyOf(tables);
            SnapshotHold.ChangesMark changes = mark;
            return java.util.Optional.of(new SnapshotHold() {
                @Override
                public String id() {
                    return id;
                }

                @Override
                public SnapshotHold.ChangesMark changes() {
                    return changes;
                }

                @Override
                public List<TableSize> tables() {
                    return seen;
                }

                @Override
                public void close() {
                    try (c) {
                        c.rollback();
                    } catch (SQLException e) {
                        // The transaction ends with the connection either way.
                    }
                }
            });
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw failure("cannot export a snapshot of", target, e);
        }
    }

    /** A connection that needs no particular database: PostgreSQL's maintenance database, or none for MariaDB. */
    static Connection connectToServer(DatabaseTarget target) throws SQLException {
        if (target.engine() != DatabaseEngine.POSTGRESQL) {
            return connect(target, "");
        }
        try {
            return connect(target, "postgres");
        } catch (SQLException e) {
            if ("3D000".equals(e.getSQLState())) {
                return connect(target, "template1");
            }
            throw e;
        }
    }

    static Connection connect(DatabaseTarget target, String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", target.user());
        if (!target.password().isEmpty()) {
            p.setProperty("password", target.password().reveal());
        }
        String url;
        if (target.engine() == DatabaseEngine.POSTGRESQL) {
            url = "jdbc:postgresql://" + target.host() + ":" + target.port() + "/" + urlEncode(database);
            p.setProperty("ApplicationName", "lifeboat");
            p.setProperty("connectTimeout", "30");
            TlsSettings.pgjdbc(p, target);
        } else {
            // Connector/J does not decode a percent-encoded database name in the URL, so a name with a space,
            // an apostrophe or a non-ASCII letter could not be reached: connect to the server, then USE it.
            url = "jdbc:mariadb://" + target.host() + ":" + target.port() + "/";
            p.setProperty("connectTimeout", "30000");
            TlsSettings.mariadbJdbc(p, target);
            Connection c = DriverManager.getConnection(url, p);
            if (!database.isEmpty()) {
                try (Statement use = c.createStatement()) {
                    use.execute("USE " + quote(target, database));
                } catch (SQLException e) {
                    c.close();
                    throw e;
                }
            }
            return c;
        }
        return DriverManager.getConnection(url, p);
    }

    private static String urlEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String quote(DatabaseTarget target, String identifier) {
        return target.engine() == DatabaseEngine.POSTGRESQL
                ? "\"" + identifier.replace("\"", "\"\"") + "\""
                : "`" + identifier.replace("`", "``") + "`";
    }

    /** A handshake that failed on the certificate, the name, or TLS itself, whichever driver said it. */
    private static boolean tlsRefused(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
            if (TlsSettings.speaksOfTls(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** The server's version as it reports it; one that holds no version number is the server's failure, not a bug. */
    private static SoftwareVersion version(String reported, DatabaseTarget target) {
        return SoftwareVersion.tryParse(reported)
                .orElseThrow(() -> new DatabaseAccessException(
                        "the server " + target.describe() + " reported a version Lifeboat cannot read",
                        "check that it is a PostgreSQL, MySQL or MariaDB server"));
    }

    /** Turns a driver error into a message that names the cause and what to do, without the password. */
    static DatabaseAccessException failure(String doing, DatabaseTarget target, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        String where = target.describe();
        String hint;
        String text = e.getMessage() == null ? "" : e.getMessage();
        boolean login = state.equals("28P01")
                || state.equals("28000")
                || code == 1045
                || text.contains("no password was provided");
        if (login) {
            hint = "login failed for user '" + target.user()
                    + "': check the password (the secret, PGPASSWORD / ~/.pgpass," + " MYSQL_PWD / ~/.my.cnf)";
        } else if (state.equals("3D000") || code == 1049) {
            hint = "database '" + target.database() + "' does not exist on " + target.host() + ":" + target.port()
                    + "; check the name";
        } else if (tlsRefused(e)) {
            hint = TlsSettings.refusedHint(target.tls());
        } else if (state.startsWith("08")) {
            hint = "cannot reach " + target.host() + ":" + target.port()
                    + "; check the host, port, security groups and that the server is running";
        } else {
            hint = "check the database and the user's privileges";
        }
        String message = e.getMessage() == null ? state : scrub(e.getMessage(), target);
        return new DatabaseAccessException(doing + " " + where + ": " + message, hint, e, login);
    }

    /** Drivers do not print passwords, but a message is scrubbed of it anyway before it travels further. */
    private static String scrub(String message, DatabaseTarget target) {
        String first = message.lines().findFirst().orElse(message);
        return target.password().isEmpty()
                ? first
                : first.replace(target.password().reveal(), "****");
    }
}
