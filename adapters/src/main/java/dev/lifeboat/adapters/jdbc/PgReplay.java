package dev.lifeboat.adapters.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One replay of wal2json change lines into a target, in the transaction {@link PgChangeFeed#apply} holds: each change
 * checked against the target table's columns, applied by replica identity (the row the source changed, exactly one),
 * window by window grouped and batched, each window under a savepoint so that a conflicting grouped form falls back
 * to the source's order; its statements prepared once per shape; what it was doing when one failed, never a value.
 */
final class PgReplay {
    /** A type name as format_type writes it: identifiers, quoted identifiers, modifiers, array brackets. */
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9_ .,()\\[\\]\"$]{1,200}");

    /** A change made after DDL the dump does not hold. */
    static final class ColumnsChanged extends SQLException {
        private static final long serialVersionUID = 1L;

        ColumnsChanged(String message) {
            super(message, "LB004");
        }
    }

    /** One change line: its action (I, U, D), its table (quoted), the line; superseded by a later update. */
    static final class Change {
        final char action;
        final String table;
        final JsonNode n;
        /** The columns it sets, as checked against the target table. */
        List<JsonNode> cols = List.of();
        /** Whether its table's replica identity is FULL (the whole old row names it). */
        boolean full;

        boolean superseded;

        Change(char action, String table, JsonNode n) {
            this.action = action;
            this.table = table;
            this.n = n;
        }
    }

    /** A statement and the columns it binds, in order; {@code exactlyOne}: it must change exactly one row. */
    private record Sql(String text, List<JsonNode> params, boolean exactlyOne) {
        void bind(PreparedStatement p) throws SQLException {
            int i = 1;
            for (JsonNode col : params) {
                PgReplay.bind(p, i++, col);
            }
        }
    }

    private final Connection c;
    private final Map<String, PreparedStatement> prepared = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() > 256) {
                try {
                    eldest.getValue().close();
                } catch (SQLException e) {
                    // closed with the connection
                }
                return true;
            }
            return false;
        }
    };
    String doing;
    long count;
    long superseded;
    int windowsInOrder;

    /** Every window one change at a time in the source's order (LIFEBOAT_REPLAY=in-order: the benchmark's baseline). */
    private final boolean inOrderOnly;

    PgReplay(Connection c, boolean inOrderOnly) {
        this.c = c;
        this.inOrderOnly = inOrderOnly;
    }

    /**
     * Applies the window (then empties it): grouped and batched under a savepoint, or, when that conflicts, one
     * change at a time in the source's order, which is the truth (its failure is the replay's).
     */
    void window(List<Change> window) throws SQLException {
        if (window.isEmpty()) {
            return;
        }
        long before = count;
        for (int i = 0; i < window.size(); i++) {
            Change ch = window.get(i);
            doing = describe(ch);
            count = before + i + 1;
            ch.cols = settable(ch);
            ch.full = shape(ch.table).full();
        }
        if (inOrderOnly) {
            inOrder(window, before);
            doing = null;
            window.clear();
            return;
        }
        count = before;
        doing = "a group of " + window.size() + " changes";
        Savepoint savepoint = c.setSavepoint();
        try {
            grouped(window);
        } catch (ColumnsChanged e) {
            throw e;
        } catch (SQLException e) {
            // Grouping moved a change of one row before another row's (a unique value passed between rows, a
            // duplicate under REPLICA IDENTITY FULL): the source's own order decides.
            c.rollback(savepoint);
            windowsInOrder++;
            inOrder(window, before);
        }
        c.releaseSavepoint(savepoint);
        count = before + window.size();
        doing = null;
        window.clear();
    }

    private void grouped(List<Change> window) throws SQLException {
        Map<String, List<Change>> byTable = new LinkedHashMap<>();
        for (Change ch : window) {
            byTable.computeIfAbsent(ch.table, t -> new ArrayList<>()).add(ch);
        }
        long dropped = 0;
        String text = null;
        PreparedStatement batch = null;
        boolean exactlyOne = false;
        try {
            for (List<Change> changes : byTable.values()) {
                dropped += supersede(changes);
                for (Change ch : changes) {
                    if (ch.superseded) {
                        continue;
                    }
                    Sql sql = sql(ch);
                    if (batch != null && !sql.text().equals(text)) {
                        execute(batch, exactlyOne);
                        batch = null;
                    }
                    if (batch == null) {
                        text = sql.text();
                        batch = prepare(text);
                        exactlyOne = sql.exactlyOne();
                    }
                    sql.bind(batch);
                    batch.addBatch();
                }
            }
            if (batch != null) {
                execute(batch, exactlyOne);
                batch = null;
            }
        } finally {
            if (batch != null) {
                batch.clearBatch();
            }
        }
        superseded += dropped;
    }

    private void execute(PreparedStatement batch, boolean exactlyOne) throws SQLException {
        int[] rows;
        try {
            rows = batch.executeBatch();
        } catch (SQLException e) {
            batch.clearBatch();
            throw e;
        }
        if (exactlyOne) {
            for (int r : rows) {
                one(r);
            }
        }
    }

    private void inOrder(List<Change> window, long before) throws SQLException {
        for (int i = 0; i < window.size(); i++) {
            Change ch = window.get(i);
            doing = describe(ch);
            count = before + i + 1;
            Sql sql = sql(ch);
            PreparedStatement p = prepare(sql.text());
            sql.bind(p);
            int rows = p.executeUpdate();
            if (sql.exactlyOne()) {
                one(rows);
            }
        }
    }

    /**
     * Marks each update of the table's changes (in their order) that a later update of the same row replaces
     * whole: both keep the row's key (their identity is not the whole row, as under REPLICA IDENTITY FULL), the
     * later sets every column the earlier set (an unchanged TOASTed value is left out of an update), and nothing
     * between them inserts, deletes or re-keys that row. A row updated on every transaction (a counter, a
     * balance) would otherwise leave, in one transaction, a chain of versions every later lookup walks.
     */
    private static long supersede(List<Change> changes) throws SQLException {
        Map<String, Change> last = new HashMap<>();
        long dropped = 0;
        for (Change ch : changes) {
            if (ch.action == 'I') {
                continue;
            }
            JsonNode key = identity(ch.n, ch.table);
            Change before = last.remove(key.toString());
            if (ch.action == 'U' && keepsKey(ch.cols, key)) {
                if (before != null && names(ch).containsAll(names(before))) {
                    before.superseded = true;
                    dropped++;
                }
                last.put(key.toString(), ch);
            }
        }
        return dropped;
    }

    private static boolean keepsKey(List<JsonNode> cols, JsonNode key) {
        if (key.size() >= cols.size()) {
            return false;
        }
        for (JsonNode k : key) {
            JsonNode value = null;
            for (JsonNode col : cols) {
                if (col.path("name").asText().equals(k.path("name").asText())) {
                    value = col.path("value");
                    break;
                }
            }
            if (value == null || !value.equals(k.path("value"))) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> names(Change ch) {
        Set<String> names = new HashSet<>();
        for (JsonNode col : ch.cols) {
            names.add(col.path("name").asText());
        }
        return names;
    }

    private static String describe(Change ch) {
        return switch (ch.action) {
            case 'I' -> "INSERT into " + ch.table;
            case 'U' -> "UPDATE of " + ch.table;
            default -> "DELETE from " + ch.table;
        };
    }

    private static Sql sql(Change ch) throws SQLException {
        List<JsonNode> cols = ch.cols;
        List<JsonNode> params = new ArrayList<>();
        switch (ch.action) {
            case 'I' -> {
                StringBuilder names = new StringBuilder();
                StringBuilder values = new StringBuilder();
                for (JsonNode col : cols) {
                    names.append(names.isEmpty() ? "" : ", ")
                            .append(PgChangeFeed.ident(col.path("name").asText()));
                    values.append(values.isEmpty() ? "" : ", ").append(placeholder(col));
                    params.add(col);
                }
                return new Sql("INSERT INTO " + ch.table + " (" + names + ") VALUES (" + values + ")", params, false);
            }
            case 'U' -> {
                JsonNode key = identity(ch.n, ch.table);
                StringBuilder set = new StringBuilder();
                for (JsonNode col : cols) {
                    set.append(set.isEmpty() ? "" : ", ")
                            .append(PgChangeFeed.ident(col.path("name").asText()))
                            .append(" = ")
                            .append(placeholder(col));
                    params.add(col);
                }
                keyParams(key, params);
                return new Sql(
                        "UPDATE ONLY " + ch.table + " SET " + set + " WHERE ctid = (SELECT ctid FROM ONLY " + ch.table
                                + " WHERE " + where(key, ch.full) + " LIMIT 1)",
                        params,
                        true);
            }
            default -> {
                JsonNode key = identity(ch.n, ch.table);
                keyParams(key, params);
                return new Sql(
                        "DELETE FROM ONLY " + ch.table + " WHERE ctid = (SELECT ctid FROM ONLY " + ch.table + " WHERE "
                                + where(key, ch.full) + " LIMIT 1)",
                        params,
                        true);
            }
        }
    }

    private static void keyParams(JsonNode key, List<JsonNode> params) {
        for (JsonNode col : key) {
            if (!col.path("value").isNull()) {
                params.add(col);
            }
        }
    }

    void truncate(List<String> tables) throws SQLException {
        doing = "TRUNCATE of " + String.join(", ", tables);
        count += tables.size();
        try (Statement s = c.createStatement()) {
            s.execute("TRUNCATE ONLY " + String.join(", ", tables));
        }
        tables.clear();
    }

    /**
     * A target table's columns a change sets (name to type), those the server computes (generated), and whether its
     * replica identity is FULL.
     */
    private record Shape(Map<String, String> columns, Set<String> generated, boolean full) {}

    private final Map<String, Shape> shapes = new HashMap<>();

    private Shape shape(String table) throws SQLException {
        Shape shape = shapes.get(table);
        if (shape == null) {
            Map<String, String> columns = new HashMap<>();
            Set<String> generated = new HashSet<>();
            boolean full = false;
            try (PreparedStatement p = c.prepareStatement("SELECT a.attname, pg_catalog.format_type(a.atttypid,"
                    + " a.atttypmod), a.attgenerated <> '', c.relreplident = 'f' FROM pg_catalog.pg_attribute a"
                    + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid WHERE a.attrelid = ?::regclass"
                    + " AND a.attnum > 0 AND NOT a.attisdropped")) {
                p.setString(1, table);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        full = rs.getBoolean(4);
                        if (rs.getBoolean(3)) {
                            generated.add(rs.getString(1));
                        } else {
                            columns.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
            } catch (SQLException e) {
                throw new ColumnsChanged(table + " is not in the target");
            }
            shape = new Shape(columns, generated, full);
            shapes.put(table, shape);
        }
        return shape;
    }

    /**
     * The columns the change sets, checked against the target table: an insert carries every column of its row,
     * an update every column but an unchanged TOASTed one; one whose columns or types differ from the table's
     * was made after a change of the table (DDL, which logical decoding does not carry) that the dump does not
     * hold. A generated column, which wal2json writes too, is the server's to compute: left out.
     */
    private List<JsonNode> settable(Change ch) throws SQLException {
        Shape shape = shape(ch.table);
        Map<String, String> change = new HashMap<>();
        List<JsonNode> cols = new ArrayList<>();
        for (JsonNode col : ch.n.path("columns")) {
            String name = col.path("name").asText();
            if (!shape.generated().contains(name)) {
                change.put(name, col.path("type").asText());
                cols.add(col);
            }
        }
        boolean fits = ch.action == 'I'
                ? change.equals(shape.columns())
                : shape.columns().entrySet().containsAll(change.entrySet());
        if (!fits) {
            throw new ColumnsChanged("the columns of " + ch.table + " differ from those of the source's change");
        }
        return cols;
    }

    private void one(int rows) throws SQLException {
        if (rows != 1) {
            // The row the source changed is not in the target as the archive says it was.
            throw new SQLException("no row matched the change's replica identity", "LB001");
        }
    }

    private static JsonNode identity(JsonNode n, String table) throws SQLException {
        JsonNode key = n.path("identity");
        if (!key.isArray() || key.isEmpty()) {
            throw new SQLException("a change of " + table + " names no row (no replica identity)", "LB002");
        }
        return key;
    }

    /**
     * The row a change names. By a key (primary key, replica identity index): its columns' equality, through the
     * index. By the whole old row (REPLICA IDENTITY FULL): each column's text as the type writes it, since equality is
     * looser than identity for some types ('a' and 'A' in citext, '1 day' and '24:00:00' in interval, 1.0 and 1.00 in
     * numeric) and missing for others (json, point, xml), so a duplicate-looking neighbour is never changed instead.
     */
    private static String where(JsonNode key, boolean full) throws SQLException {
        StringBuilder w = new StringBuilder();
        for (JsonNode col : key) {
            w.append(w.isEmpty() ? "" : " AND ");
            String name = PgChangeFeed.ident(col.path("name").asText());
            if (col.path("value").isNull()) {
                w.append(name).append(" IS NULL");
            } else if (full) {
                w.append(name).append("::text = (").append(placeholder(col)).append(")::text");
            } else {
                w.append(name).append(" = ").append(placeholder(col));
            }
        }
        return w.toString();
    }

    private static String placeholder(JsonNode col) throws SQLException {
        String type = col.path("type").asText();
        if (!TYPE.matcher(type).matches()) {
            throw new SQLException("a column type the replay does not take", "LB003");
        }
        // wal2json writes bytea as bare hex digits (no \x): decoded, not cast.
        return type.equals("bytea") ? "pg_catalog.decode(?, 'hex')" : "?::" + type;
    }

    private static void bind(PreparedStatement p, int i, JsonNode col) throws SQLException {
        JsonNode v = col.path("value");
        if (v.isNull() || v.isMissingNode()) {
            p.setNull(i, Types.VARCHAR);
        } else if (v.isBigDecimal()) {
            p.setString(i, v.decimalValue().toPlainString());
        } else {
            // Text, integers and booleans as wal2json wrote them; the placeholder's cast makes them typed.
            p.setString(i, v.asText());
        }
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement p = prepared.get(sql);
        if (p == null) {
            p = c.prepareStatement(sql);
            prepared.put(sql, p);
        }
        return p;
    }
}
