package dev.lifeboat.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a database holds, as a map of named checksums: every table's rows (order-independent), every
 * sequence's position, large objects, and the schema objects a restore must bring back. Two
 * databases hold the same data when their fingerprints are equal.
 */
public final class Fingerprint {
    private Fingerprint() {}

    public static Map<String, String> of(PostgresServer pg, String database) {
        Map<String, String> f = new TreeMap<>();
        try (Connection c = pg.connect(database)) {
            // Values as text in one rendering, whatever the database's own settings (a copy does not carry them).
            try (Statement s = c.createStatement()) {
                s.execute("SET bytea_output = hex");
                s.execute("SET IntervalStyle = postgres");
                s.execute("SET DateStyle = ISO");
                s.execute("SET TimeZone = 'UTC'");
                s.execute("SET extra_float_digits = 1");
            }
            List<String> tables = column(c, """
                    SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                      AND n.nspname NOT LIKE 'pg\\_toast%' ORDER BY 1""");
            // Each row whole, by an alias no column can shadow (a column named like the alias would be taken instead).
            for (String t : tables) {
                f.put(
                        "table " + t,
                        single(
                                c,
                                "SELECT count(*) || ':' || coalesce(md5(string_agg(r, E'\\n' ORDER BY r)), '-') FROM (SELECT"
                                        + " (\"lifeboat whole row\".*)::text AS r FROM " + t
                                        + " \"lifeboat whole row\") w"));
            }
            for (String seq :
                    column(c, "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences ORDER BY 1")) {
                f.put("sequence " + seq, single(c, "SELECT last_value || '/' || is_called FROM " + seq));
            }
            rows(c, f, "large-object", "SELECT oid::text, md5(lo_get(oid)) FROM pg_largeobject_metadata");
            rows(c, f, "function", """
                    SELECT p.oid::regprocedure::text, md5(p.prosrc) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
                      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""");
            rows(c, f, "view", """
                    SELECT format('%I.%I', schemaname, viewname), md5(definition) FROM pg_views
                    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')""");
            rows(c, f, "trigger", "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal");
            rows(c, f, "extension", "SELECT extname, extversion FROM pg_extension");
            rows(c, f, "enum", """
                    SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e
                    JOIN pg_type t ON t.oid = e.enumtypid GROUP BY t.typname""");
            rows(c, f, "domain", """
                    SELECT t.typname, pg_get_constraintdef(con.oid) FROM pg_type t JOIN pg_constraint con ON con.contypid = t.oid
                    WHERE t.typtype = 'd'""");
            rows(c, f, "comment", """
                    SELECT pg_describe_object(classoid, objoid, objsubid), description FROM pg_description
                    WHERE objoid >= 16384""");
            rows(c, f, "partition", """
                    SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.relispartition""");
        } catch (SQLException e) {
            throw new IllegalStateException("fingerprinting " + database + " failed: " + e.getMessage(), e);
        }
        return f;
    }

    public static Map<String, String> of(MariaDbServer db, String database) {
        Map<String, String> f = new TreeMap<>();
        try (Connection c = db.connect(database)) {
            for (String t : column(
                    c,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
                            + " AND table_type = 'BASE TABLE' ORDER BY 1")) {
                f.put("table " + t, tableDigest(c, "SELECT * FROM `" + t.replace("`", "``") + "`"));
            }
            rows(
                    c,
                    f,
                    "auto-increment",
                    "SELECT table_name, auto_increment FROM information_schema.tables"
                            + " WHERE table_schema = DATABASE() AND auto_increment IS NOT NULL");
            rows(
                    c,
                    f,
                    "routine",
                    "SELECT CONCAT(routine_type, ' ', routine_name), MD5(routine_definition)"
                            + " FROM information_schema.routines WHERE routine_schema = DATABASE()");
            rows(
                    c,
                    f,
                    "trigger",
                    "SELECT trigger_name, MD5(action_statement) FROM information_schema.triggers"
                            + " WHERE trigger_schema = DATABASE()");
            rows(
                    c,
                    f,
                    "event",
                    "SELECT event_name, CONCAT(status, ' ', MD5(event_definition)) FROM information_schema.events"
                            + " WHERE event_schema = DATABASE()");
            rows(
                    c,
                    f,
                    "view",
                    "SELECT table_name, MD5(REPLACE(view_definition, DATABASE(), '')) FROM information_schema.views"
                            + " WHERE table_schema = DATABASE()");
            rows(
                    c,
                    f,
                    "column",
                    "SELECT CONCAT(table_name, '.', column_name), CONCAT(column_type, ' ', COALESCE(generation_expression, ''),"
                            + " ' ', COALESCE(character_set_name, ''), ' ', is_nullable)"
                            + " FROM information_schema.columns WHERE table_schema = DATABASE()");
        } catch (SQLException e) {
            throw new IllegalStateException("fingerprinting " + database + " failed: " + e.getMessage(), e);
        }
        return f;
    }

    /** Rows hashed column by column as raw bytes, then sorted, so row order does not matter. */
    private static String tableDigest(Connection c, String sql) throws SQLException {
        List<String> rowHashes = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                MessageDigest d = sha256();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    byte[] v;
                    switch (md.getColumnType(i)) {
                        case java.sql.Types.BINARY,
                                java.sql.Types.VARBINARY,
                                java.sql.Types.LONGVARBINARY,
                                java.sql.Types.BLOB,
                                java.sql.Types.BIT -> v = rs.getBytes(i);
                        default -> {
                            String text = rs.getString(i);
                            v = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
                        }
                    }
                    d.update(v == null ? new byte[] {(byte) 0xEE} : v);
                    d.update((byte) 0x1F);
                }
                rowHashes.add(HexFormat.of().formatHex(d.digest()));
            }
        }
        rowHashes.sort(null);
        MessageDigest all = sha256();
        rowHashes.forEach(h -> all.update(h.getBytes(StandardCharsets.UTF_8)));
        return rowHashes.size() + ":" + HexFormat.of().formatHex(all.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void rows(Connection c, Map<String, String> f, String kind, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                f.put(kind + " " + rs.getString(1), rs.getString(2));
            }
        }
    }

    private static List<String> column(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
