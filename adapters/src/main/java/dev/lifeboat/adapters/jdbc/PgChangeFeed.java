package dev.lifeboat.adapters.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.adapters.tls.TlsSettings;
import dev.lifeboat.core.error.DatabaseAccessException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.ChangeFeed;
import dev.lifeboat.core.stream.Sha256;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.util.PSQLException;

/**
 * PostgreSQL's logical change stream through a replication slot with wal2json (format 2), read with the JDBC driver's
 * replication protocol, and its replay by replica identity (issue 41). Why wal2json: it needs no publication (a
 * publication that publishes updates and deletes makes them fail, on production, on tables without a replica
 * identity), RDS ships it, and its lines carry the commit's LSN, time and transaction id. Why the driver and not
 * {@code pg_recvlogical}: the position is confirmed to the server only after a segment is in the vault, which {@code
 * pg_recvlogical} (it confirms what it wrote to its local file) cannot be told to do.
 *
 * <p>No table data reaches a message: a failed change is named by its action, table and SQLSTATE only.
 */
public final class PgChangeFeed implements ChangeFeed {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PgChangeFeed.class);
    private static final ObjectMapper JSON = dev.lifeboat.core.changes.WalLine.mapper();

    /**
     * The tables' columns, as one text to hash: what a dump's snapshot saw and what each segment's cut sees are
     * compared, so a replay never crosses a change of the tables' shape (DDL is not carried by logical decoding).
     */
    static final String COLUMNS = """
            SELECT n.nspname, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
              FROM pg_catalog.pg_attribute a
              JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
              JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND c.relpersistence = 'p'
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
             ORDER BY 1, 2, a.attnum""";

    /**
     * Tables whose updates and deletes logical decoding does not carry: no replica identity to name the row by, as the
     * server decides it (relcache's rule): nothing; by default, no primary key or only a deferrable one; by an index
     * that is gone. The server sends nothing for their updates and deletes (a warning in its own log).
     */
    private static final String WITHOUT_IDENTITY = """
            SELECT n.nspname || '.' || c.relname
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'r' AND c.relpersistence = 'p'
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
               AND (c.relreplident = 'n'
                    OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                                                              WHERE i.indrelid = c.oid AND i.indisprimary
                                                                AND i.indimmediate))
                    OR (c.relreplident = 'i' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i
                                                              WHERE i.indrelid = c.oid AND i.indisreplident)))
             ORDER BY 1""";

    private static final String SEQUENCES = """
            SELECT pg_catalog.format('%I.%I', schemaname, sequencename), last_value
              FROM pg_catalog.pg_sequences
             WHERE last_value IS NOT NULL AND schemaname NOT IN ('pg_catalog', 'information_schema')""";

    /** The fingerprint of the tables' columns as {@code c} sees them (in a dump's snapshot, or now). */
    public static String fingerprint(Connection c) throws SQLException {
        StringBuilder text = new StringBuilder();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(COLUMNS)) {
            while (rs.next()) {
                text.append(rs.getString(1))
                        .append('\u0000')
                        .append(rs.getString(2))
                        .append('\u0000')
                        .append(rs.getString(3))
                        .append('\u0000')
                        .append(rs.getString(4))
                        .append('\n');
            }
        }
        return Sha256.hex(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Server server(DatabaseTarget source) {
        try (Connection c = JdbcInspector.connect(source, source.database());
                Statement s = c.createStatement()) {
            String version;
            String walLevel;
            long keep = -1;
            boolean inRecovery;
            int versionNum;
            try (ResultSet rs = s.executeQuery("SELECT current_setting('server_version'), current_setting('wal_level'),"
                    + " pg_catalog.pg_is_in_recovery(), current_setting('server_version_num')::int")) {
                rs.next();
                version = rs.getString(1);
                walLevel = rs.getString(2);
                inRecovery = rs.getBoolean(3);
                versionNum = rs.getInt(4);
            }
            try (ResultSet rs = s.executeQuery(
                    "SELECT setting::bigint FROM pg_catalog.pg_settings WHERE name = 'max_slot_wal_keep_size'")) {
                if (rs.next()) {
                    keep = rs.getLong(1);
                }
            }
            String system;
            try (ResultSet rs = s.executeQuery("SELECT system_identifier::text FROM pg_catalog.pg_control_system()")) {
                rs.next();
                system = rs.getString(1);
            } catch (SQLException e) {
                // pg_control_system() is for superusers and pg_monitor members: without it, the host names the server.
                c.rollback();
                system = source.host() + ":" + source.port();
            }
            return new Server(system, version, walLevel, keep, inRecovery, versionNum);
        } catch (SQLException e) {
            throw JdbcInspector.failure("cannot read the server settings of", source, e);
        }
    }

    @Override
    public Optional<Slot> slot(DatabaseTarget source, String name) {
        try (Connection c = JdbcInspector.connect(source, source.database());
                PreparedStatement p = c.prepareStatement("SELECT plugin, database, confirmed_flush_lsn::text, active,"
                        + " COALESCE(wal_status = 'lost', false) FROM pg_catalog.pg_replication_slots"
                        + " WHERE slot_name = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String confirmed = rs.getString(3);
                return Optional.of(new Slot(
                        name,
                        rs.getString(1),
                        rs.getString(2),
                        confirmed == null
                                ? 0
                                : LogSequenceNumber.valueOf(confirmed).asLong(),
                        rs.getBoolean(4),
                        rs.getBoolean(5)));
            }
        } catch (SQLException e) {
            throw JdbcInspector.failure("cannot read the replication slots of", source, e);
        }
    }

    @Override
    public long createSlot(DatabaseTarget source, String name) {
        try (Connection c = JdbcInspector.connect(source, source.database());
                PreparedStatement p = c.prepareStatement(
                        "SELECT lsn::text FROM pg_catalog.pg_create_logical_replication_slot(?, 'wal2json')")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return LogSequenceNumber.valueOf(rs.getString(1)).asLong();
            }
        } catch (SQLException e) {
            if ("58P01".equals(e.getSQLState())) {
                throw new RefusedException(
                        "the wal2json output plugin is not installed on " + source.describe(),
                        "RDS ships it; elsewhere install it (Debian: postgresql-NN-wal2json)");
            }
            if ("42501".equals(e.getSQLState())) {
                throw new RefusedException(
                        "the user " + source.user() + " may not create a replication slot on " + source.describe(),
                        "grant it the REPLICATION attribute (on RDS: GRANT rds_replication TO " + source.user() + ")");
            }
            throw JdbcInspector.failure("cannot create the replication slot " + name + " on", source, e);
        }
    }

    @Override
    public void dropSlot(DatabaseTarget source, String name) {
        try (Connection c = JdbcInspector.connect(source, source.database());
                PreparedStatement p = c.prepareStatement("SELECT pg_catalog.pg_drop_replication_slot(?)")) {
            p.setString(1, name);
            p.execute();
        } catch (SQLException e) {
            throw JdbcInspector.failure("cannot drop the replication slot " + name + " on", source, e);
        }
    }

    @Override
    public long retainedBytes(DatabaseTarget source, String name) {
        try (Connection c = JdbcInspector.connect(source, source.database());
                PreparedStatement p = c.prepareStatement("SELECT pg_catalog.pg_wal_lsn_diff("
                        + "pg_catalog.pg_current_wal_lsn(), restart_lsn)::bigint FROM pg_catalog.pg_replication_slots"
                        + " WHERE slot_name = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw JdbcInspector.failure("cannot read the replication slots of", source, e);
        }
    }

    @Override
    public Stream stream(DatabaseTarget source, String slot, long from) throws IOException {
        try {
            return stream(source, slot, from, true);
        } catch (NumbersAsTextRefused e) {
            LOG.warn(
                    "wal2json on {} does not take numeric-data-types-as-string (it came with wal2json 2.6): it writes"
                            + " NaN, Infinity and -Infinity in float and numeric columns as null, and a restore to a"
                            + " moment brings such a value back as NULL; update wal2json to keep them",
                    source.describe());
            return stream(source, slot, from, false);
        }
    }

    /** wal2json before 2.6 refused the option that writes numbers as text. */
    private static final class NumbersAsTextRefused extends IOException {
        private static final long serialVersionUID = 1L;
    }

    private Stream stream(DatabaseTarget source, String slot, long from, boolean numbersAsText) throws IOException {
        Connection c;
        try {
            c = replicationConnection(source);
        } catch (SQLException e) {
            throw JdbcInspector.failure("cannot open a replication connection to", source, e);
        }
        try {
            // JSON has no NaN or Infinity: as numbers, wal2json writes them as null. As text, every numeric value is
            // also exactly its digits (its scale too), whatever reads the line. (Without it, the option is given
            // once more under a name already set: the driver keeps one.)
            PGReplicationStream stream = c.unwrap(PGConnection.class)
                    .getReplicationAPI()
                    .replicationStream()
                    .logical()
                    .withSlotName(slot)
                    .withStartPosition(LogSequenceNumber.valueOf(from))
                    .withSlotOption("format-version", 2)
                    .withSlotOption("include-xids", true)
                    .withSlotOption("include-timestamp", true)
                    .withSlotOption("include-lsn", true)
                    .withSlotOption("include-types", true)
                    .withSlotOption("include-transaction", true)
                    .withSlotOption(numbersAsText ? "numeric-data-types-as-string" : "include-transaction", true)
                    .withStatusInterval(10, TimeUnit.SECONDS)
                    // The driver would otherwise report every position it hears of (a keepalive's too) as flushed,
                    // and the server would move the slot past what the vault holds: a restarted streamer then saw
                    // "moved on by another reader" and marked a gap (found by a hostile review). Only confirm(),
                    // after a segment's manifest is written, tells the server what it may recycle.
                    .withAutomaticFlush(false)
                    .start();
            return new ReplicationStream(c, stream);
        } catch (SQLException e) {
            try {
                c.close();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            if (numbersAsText && "22023".equals(e.getSQLState())) {
                throw new NumbersAsTextRefused();
            }
            if ("55006".equals(e.getSQLState())) {
                throw new RefusedException(
                        "another reader holds the replication slot " + slot + " on " + source.describe(),
                        "run one streamer per database");
            }
            throw new IOException("cannot start reading the slot " + slot + ": SQLSTATE " + e.getSQLState());
        }
    }

    private static final class ReplicationStream implements Stream {
        private final Connection connection;
        private final PGReplicationStream stream;

        ReplicationStream(Connection connection, PGReplicationStream stream) {
            this.connection = connection;
            this.stream = stream;
        }

        @Override
        public Optional<byte[]> next(Duration wait) throws IOException {
            long until = System.nanoTime() + wait.toNanos();
            try {
                while (true) {
                    ByteBuffer b = stream.readPending();
                    if (b != null) {
                        byte[] out = new byte[b.remaining()];
                        b.get(out);
                        return Optional.of(out);
                    }
                    if (System.nanoTime() - until >= 0) {
                        return Optional.empty();
                    }
                    Thread.sleep(10);
                }
            } catch (SQLException e) {
                throw new IOException("the replication stream ended: SQLSTATE " + e.getSQLState() + " ("
                        + (e.getMessage() == null
                                ? ""
                                : e.getMessage().lines().findFirst().orElse("")) + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        @Override
        public long lastReceived() {
            return stream.getLastReceiveLSN().asLong();
        }

        @Override
        public void confirm(long lsn) throws IOException {
            LogSequenceNumber at = LogSequenceNumber.valueOf(lsn);
            stream.setFlushedLSN(at);
            stream.setAppliedLSN(at);
            try {
                stream.forceUpdateStatus();
            } catch (SQLException e) {
                throw new IOException("cannot confirm " + at + " to the server: SQLSTATE " + e.getSQLState());
            }
        }

        @Override
        public void close() {
            // Not stream.close(): it ends the copy and reads what the server still sends until it stops, which
            // in the middle of a large transaction filled the heap on SIGTERM (found by a hostile review). What was
            // archived is confirmed already (confirm); what was not is sent again to the next reader.
            try {
                connection.close();
            } catch (SQLException e) {
                // nothing more to release
            }
        }
    }

    /** A connection of the replication protocol to the source's database, as the stream reads it. */
    private static Connection replicationConnection(DatabaseTarget source) throws SQLException {
        Properties p = new Properties();
        PGProperty.USER.set(p, source.user());
        if (!source.password().isEmpty()) {
            PGProperty.PASSWORD.set(p, source.password().reveal());
        }
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        PGProperty.APPLICATION_NAME.set(p, "lifeboat-stream");
        // wal2json writes values with the walsender's output settings; a database's own (bytea_output=escape,
        // IntervalStyle=sql_standard) would archive text the replay reads back as other values. It names types as
        // the search_path shows them: a database's own (public, extensions) would name a type of another schema
        // without it, where the replay's session names it with it. The driver pins DateStyle, TimeZone and
        // extra_float_digits itself.
        PGProperty.OPTIONS.set(p, "-c bytea_output=hex -c IntervalStyle=postgres -c search_path=public");
        PGProperty.CONNECT_TIMEOUT.set(p, "30");
        TlsSettings.pgjdbc(p, source);
        return DriverManager.getConnection(
                "jdbc:postgresql://" + source.host() + ":" + source.port() + "/"
                        + java.net.URLEncoder.encode(source.database(), StandardCharsets.UTF_8)
                                .replace("+", "%20"),
                p);
    }

    private static final String UNLOGGED = """
            SELECT n.nspname || '.' || c.relname
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'u'
             ORDER BY 1""";

    @Override
    public Readiness readiness(DatabaseTarget source) {
        String refused = null;
        try (Connection r = replicationConnection(source);
                Statement s = r.createStatement();
                ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
            rs.next();
        } catch (SQLException e) {
            refused = "SQLSTATE " + e.getSQLState() + ": "
                    + JdbcInspector.failure("a replication connection to", source, e)
                            .getMessage();
        }
        try (Connection c = JdbcInspector.connect(source, source.database());
                Statement s = c.createStatement()) {
            int slotsFree;
            int sendersFree;
            try (ResultSet rs = s.executeQuery("SELECT current_setting('max_replication_slots')::int"
                    + " - (SELECT count(*) FROM pg_catalog.pg_replication_slots),"
                    + " current_setting('max_wal_senders')::int"
                    + " - (SELECT count(*) FROM pg_catalog.pg_stat_replication)")) {
                rs.next();
                slotsFree = rs.getInt(1);
                sendersFree = rs.getInt(2);
            }
            String idle = null;
            try (ResultSet rs = s.executeQuery("SELECT setting, unit FROM pg_catalog.pg_settings"
                    + " WHERE name = 'idle_replication_slot_timeout'")) {
                if (rs.next()) {
                    idle = rs.getString(1) + (rs.getString(2) == null ? "" : " " + rs.getString(2));
                }
            }
            List<String> without = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(WITHOUT_IDENTITY)) {
                while (rs.next()) {
                    without.add(rs.getString(1));
                }
            }
            List<String> unlogged = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(UNLOGGED)) {
                while (rs.next()) {
                    unlogged.add(rs.getString(1));
                }
            }
            long largeObjects;
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_catalog.pg_largeobject_metadata")) {
                rs.next();
                largeObjects = rs.getLong(1);
            }
            return new Readiness(refused, slotsFree, sendersFree, idle, without, unlogged, largeObjects);
        } catch (SQLException e) {
            throw JdbcInspector.failure("cannot read what a stream of", source, e);
        }
    }

    @Override
    public State state(DatabaseTarget source) {
        try (Connection c = JdbcInspector.connect(source, source.database());
                Statement s = c.createStatement()) {
            Map<String, Long> sequences = new TreeMap<>();
            try (ResultSet rs = s.executeQuery(SEQUENCES)) {
                while (rs.next()) {
                    sequences.put(rs.getString(1), rs.getLong(2));
                }
            }
            List<String> without = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(WITHOUT_IDENTITY)) {
                while (rs.next()) {
                    without.add(rs.getString(1));
                }
            }
            return new State(sequences, fingerprint(c), without);
        } catch (SQLException e) {
            throw JdbcInspector.failure("cannot read the sequences and tables of", source, e);
        }
    }

    @Override
    public Position position(DatabaseTarget source) {
        // A standby (PostgreSQL 16 decodes there) has no WAL of its own to flush: where it has replayed to.
        try (Connection c = JdbcInspector.connect(source, source.database());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT (CASE WHEN pg_catalog.pg_is_in_recovery()"
                        + " THEN pg_catalog.pg_last_wal_replay_lsn() ELSE pg_catalog.pg_current_wal_flush_lsn() END)"
                        + "::text, pg_catalog.clock_timestamp()")) {
            rs.next();
            return new Position(
                    dev.lifeboat.core.changes.Lsn.parse(rs.getString(1)),
                    rs.getObject(2, java.time.OffsetDateTime.class).toInstant());
        } catch (SQLException e) {
            throw JdbcInspector.failure("cannot read where the WAL stands on", source, e);
        }
    }

    @Override
    public void checkCanApply(DatabaseTarget target) {
        try (Connection c = JdbcInspector.connectToServer(target);
                Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica");
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new RefusedException(
                        "the user " + target.user() + " may not set session_replication_role on " + target.describe()
                                + "; without it the target's triggers would run again on changes that already hold"
                                + " their effects",
                        "restore as a superuser (on RDS, the master user: rds_superuser may set it)");
            }
            throw JdbcInspector.failure("cannot prepare the replay on", target, e);
        }
    }

    /**
     * Changes applied together (issue 41, "fast where it counts"): within a window of this many, grouped by table (each
     * table's own order kept), an update made obsolete by a later update of the same row left out, and the same
     * statement sent as one batch. A window whose grouped form conflicts is rolled back to its savepoint and applied
     * one change at a time, in the order the source made them.
     */
    static final int WINDOW = 5_000;

    @Override
    public Applied apply(
            DatabaseTarget target, Iterator<byte[]> changes, Map<String, Long> sequences, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Connection c;
        try {
            c = JdbcInspector.connect(target, target.database());
        } catch (SQLException e) {
            throw JdbcInspector.failure("cannot connect to replay changes into", target, e);
        }
        PgReplay replay = new PgReplay(c, "in-order".equals(System.getenv("LIFEBOAT_REPLAY")));
        try (c) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET session_replication_role = replica");
                s.execute("SET bytea_output = hex");
                s.execute("SET IntervalStyle = postgres");
                s.execute("SET search_path = public");
            }
            List<String> restore = suspend(c);
            List<String> truncating = new ArrayList<>();
            List<PgReplay.Change> window = new ArrayList<>();
            while (changes.hasNext()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new DatabaseAccessException(
                            "replaying the changes into " + target.describe() + " took longer than "
                                    + timeout.toMinutes() + " minutes; nothing of them was kept",
                            "raise --timeout-minutes and retry");
                }
                JsonNode n = JSON.readTree(changes.next());
                String action = n.path("action").asText();
                String table = ident(n.path("schema").asText()) + "."
                        + ident(n.path("table").asText());
                if (action.equals("T")) {
                    // A truncate is a barrier: what came before it is applied first, tables truncated together
                    // stay together (a table referenced by a foreign key is truncated only with its referrers).
                    replay.window(window);
                    truncating.add(table);
                    continue;
                }
                if (!truncating.isEmpty()) {
                    replay.truncate(truncating);
                }
                if (!action.equals("I") && !action.equals("U") && !action.equals("D")) {
                    throw new IllegalStateException("not a change: " + action);
                }
                window.add(new PgReplay.Change(action.charAt(0), table, n));
                if (window.size() >= WINDOW) {
                    replay.window(window);
                }
            }
            replay.window(window);
            if (!truncating.isEmpty()) {
                replay.truncate(truncating);
            }
            try (Statement s = c.createStatement()) {
                for (String sql : restore) {
                    s.execute(sql);
                }
            }
            try (PreparedStatement p = c.prepareStatement("SELECT pg_catalog.setval(pg_catalog.format('%I.%I',"
                    + " schemaname, sequencename)::regclass, GREATEST(?, COALESCE(last_value, 0)), true)"
                    + " FROM pg_catalog.pg_sequences WHERE pg_catalog.format('%I.%I', schemaname, sequencename) = ?")) {
                for (Map.Entry<String, Long> e : sequences.entrySet()) {
                    p.setLong(1, e.getValue());
                    p.setString(2, e.getKey());
                    p.execute();
                }
            }
            raiseOwnedSequences(c);
            c.commit();
            return new Applied(replay.count, replay.superseded, replay.windowsInOrder);
        } catch (PgReplay.ColumnsChanged e) {
            throw new RefusedException(
                    "replaying the changes into " + target.describe() + " stopped at the " + replay.count
                            + "th change: "
                            + e.getMessage() + " (a table was created, dropped or altered between the dump and the"
                            + " moment; logical decoding does not carry DDL); nothing of the changes was kept",
                    "restore to a moment before that change of the table, or from a dump taken after it");
        } catch (SQLException e) {
            throw new DatabaseAccessException(
                    "replaying the changes into " + target.describe() + " failed"
                            + (replay.doing == null
                                    ? ""
                                    : " at the " + replay.count + "th change (" + replay.doing + ")")
                            + ": SQLSTATE " + e.getSQLState() + constraint(e) + "; nothing of them was kept",
                    "the target must hold exactly the dump the replay starts from: restore into a new database"
                            + " (--create); if it did, the archive and the dump disagree: restore the dump alone");
        } catch (IOException e) {
            throw new DatabaseAccessException(
                    "a change line could not be read: nothing of the changes was kept",
                    "restore the dump alone, and report this to Lifeboat's maintainers");
        }
    }

    /**
     * What would make the replay differ from what the source did, switched off inside the replay's transaction, with
     * the statements that switch it back before it commits (so the target keeps its definitions, and a failure rolls
     * all of it back): triggers and rules enabled ALWAYS or REPLICA, which fire even under {@code
     * session_replication_role = replica} and would run again what the source's own run already wrote (an audit row
     * twice, a value changed twice); and identity columns GENERATED ALWAYS, which refuse the values the source gave.
     */
    private static List<String> suspend(Connection c) throws SQLException {
        List<String> restore = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(SUSPENDED)) {
            List<String> suspend = new ArrayList<>();
            while (rs.next()) {
                suspend.add(rs.getString(1));
                restore.add(rs.getString(2));
            }
            for (String sql : suspend) {
                s.execute(sql);
            }
        }
        return restore;
    }

    private static final String SUSPENDED = """
            SELECT pg_catalog.format('ALTER TABLE %s DISABLE TRIGGER %I', t.tgrelid::regclass, t.tgname),
                   pg_catalog.format('ALTER TABLE %s ENABLE %s TRIGGER %I', t.tgrelid::regclass,
                                     CASE t.tgenabled WHEN 'A' THEN 'ALWAYS' ELSE 'REPLICA' END, t.tgname)
              FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
             WHERE NOT t.tgisinternal AND t.tgenabled IN ('A', 'R') AND t.tgparentid = 0
               AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
            UNION ALL
            SELECT pg_catalog.format('ALTER TABLE %s DISABLE RULE %I', r.ev_class::regclass, r.rulename),
                   pg_catalog.format('ALTER TABLE %s ENABLE %s RULE %I', r.ev_class::regclass,
                                     CASE r.ev_enabled WHEN 'A' THEN 'ALWAYS' ELSE 'REPLICA' END, r.rulename)
              FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
             WHERE r.ev_enabled IN ('A', 'R') AND r.rulename <> '_RETURN' AND c.relkind IN ('r', 'p')
               AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
            UNION ALL
            SELECT pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I SET GENERATED BY DEFAULT', a.attrelid::regclass,
                                     a.attname),
                   pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I SET GENERATED ALWAYS', a.attrelid::regclass,
                                     a.attname)
              FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
             WHERE a.attidentity = 'a' AND NOT a.attisdropped AND c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND c.relnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)""";

    /**
     * Each sequence a column owns (serial, identity) is raised to at least the column's largest value: a sequence
     * the last segment did not record (dropped on the source after the moment) is never left behind the rows the
     * replay inserted, so the next insert does not collide.
     */
    private static void raiseOwnedSequences(Connection c) throws SQLException {
        List<String[]> owned = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(OWNED_SEQUENCES)) {
            while (rs.next()) {
                owned.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        try (Statement s = c.createStatement()) {
            for (String[] o : owned) {
                // Identifiers quoted by the target server's format('%I'), from its own catalog.
                s.execute("SELECT pg_catalog.setval('" + o[0].replace("'", "''") + "'::regclass, m, true) FROM"
                        + " (SELECT max(" + o[2] + ") AS m FROM " + o[1] + ") x WHERE m > (SELECT last_value FROM "
                        + o[0] + ")");
            }
        }
    }

    private static final String OWNED_SEQUENCES = """
            SELECT pg_catalog.format('%I.%I', sn.nspname, s.relname), pg_catalog.format('%I.%I', tn.nspname, t.relname),
                   pg_catalog.format('%I', a.attname)
              FROM pg_catalog.pg_class s
              JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
              JOIN pg_catalog.pg_depend d ON d.objid = s.oid AND d.classid = 'pg_catalog.pg_class'::regclass
                   AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
              JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
              JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
              JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
             WHERE s.relkind = 'S' AND t.relkind = 'r'
               AND a.atttypid IN ('pg_catalog.int2'::regtype, 'pg_catalog.int4'::regtype, 'pg_catalog.int8'::regtype)
               AND EXISTS (SELECT 1 FROM pg_catalog.pg_sequence q WHERE q.seqrelid = s.oid AND q.seqincrement > 0)""";

    private static String constraint(SQLException e) {
        if (e instanceof PSQLException p
                && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getConstraint() != null) {
            return " (constraint " + p.getServerErrorMessage().getConstraint() + ")";
        }
        return "";
    }

    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
