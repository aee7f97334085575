package dev.lifeboat.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.core.changes.ChangeArchive;
import dev.lifeboat.core.changes.ChangeSegment;
import dev.lifeboat.core.changes.Lsn;
import dev.lifeboat.core.changes.StreamingChanges;
import dev.lifeboat.core.changes.WalLine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.ChangeFeed;
import dev.lifeboat.testing.FaultyS3Proxy;
import dev.lifeboat.testing.FaultyS3Proxy.Fault;
import dev.lifeboat.testing.FaultyS3Proxy.Operation;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 41's faults on the real parts that {@code ChangeArchiveIT} does not cause: S3 failing while a segment or its
 * manifest is written (through a fault-injecting proxy in front of moto), and the PostgreSQL server crashing under the
 * streamer (a server process killed with SIGKILL: the postmaster ends every session and recovers from its last
 * checkpoint, where the slot's confirmed position may lie behind what Lifeboat archived, so the server sends again what
 * is archived already). After each, every transaction the source committed is in the archive exactly once, the
 * archive is one chain without a gap, and its changes replayed into the source's copy taken at the slot give the
 * source's tables.
 */
@ExtendWith(RealParts.class)
class ChangeArchiveFaultsIT {
    private static final StreamingChanges.Settings QUICK = new StreamingChanges.Settings(
            Duration.ofMillis(500), 1 << 20, Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(2));
    private final PgChangeFeed feed = new PgChangeFeed();
    /** The archive's database id, and so the slot's name: a server's slots share one namespace. */
    private final String id = PostgresServer.uniqueName("faults");

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "UPLOAD_PART, SERVER_ERROR",
        "UPLOAD_PART, RESET",
        "COMPLETE_MULTIPART_UPLOAD, SERVER_ERROR",
        "COMPLETE_MULTIPART_UPLOAD, DROP_RESPONSE",
        "PUT_MANIFEST, SERVER_ERROR",
        "PUT_MANIFEST, RESET",
        "PUT_MANIFEST, DROP_RESPONSE"
    })
    void s3FailingWhileASegmentIsWritten_losesNoTransaction_andArchivesNoneTwice(
            Operation operation, Fault fault, PostgresServer pg, MotoServer moto, @TempDir Path dir) throws Exception {
        S3Client direct = moto.s3();
        String bucket = moto.newBucket(direct, false);
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(moto.endpoint());
                AwsClients throughProxy =
                        new AwsClients(Optional.of(URI.create(proxy.endpoint())), Optional.of(MotoServer.REGION))) {
            S3Vault vault = new S3Vault(throughProxy.s3(), S3Vault.Settings.of(bucket, "v"), Clock.systemUTC());
            Source source = new Source(pg);
            try (Streamer streamer = new Streamer(vault, source.target)) {
                List<Long> committed = new ArrayList<>(source.write(20));
                awaitArchived(vault, pg, source.target);
                // More than the SDK's own retries (3 attempts): the streamer's retry from the archive's end meets it
                // too.
                proxy.fail(operation, fault, 4);
                committed.addAll(source.write(20));
                awaitArchived(vault, pg, source.target);
                committed.addAll(source.write(10));
                awaitArchived(vault, pg, source.target);
                StreamingChanges.Summary summary = streamer.stop();

                assertThat(proxy.seen(operation)).as("the fault was met").isPositive();
                if (fault != Fault.DROP_RESPONSE) {
                    // Four requests that reach nothing outlast the SDK's three attempts. A lost answer to a write
                    // that happened is told apart by reading the key back, and may cost no interruption at all.
                    assertThat(summary.interruptions())
                            .as("the faults outlasted the SDK's retries")
                            .isPositive();
                }
                assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads())
                        .as("no multipart upload left open")
                        .isEmpty();
                S3Vault readBack = new S3Vault(direct, S3Vault.Settings.of(bucket, "v"), Clock.systemUTC());
                source.assertArchivedOnce(readBack, committed, dir);
            } finally {
                source.close();
            }
        }
    }

    /**
     * The server crashes twice under the streamer: once while it catches up on a burst of transactions, once idle. It
     * kills a server process with SIGKILL through the server itself ({@code COPY ... TO PROGRAM}, as the test's
     * superuser): the postmaster then ends every session and recovers, as after a crash of the server.
     */
    @Test
    void aServerCrashingUnderTheStreamer_losesNoTransaction_andArchivesNoneTwice(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        Path vaultDir = dir.resolve("vault");
        dev.lifeboat.adapters.local.LocalDirectoryVault vault =
                new dev.lifeboat.adapters.local.LocalDirectoryVault(vaultDir);
        Source source = new Source(pg);
        try (Streamer streamer = new Streamer(vault, source.target)) {
            List<Long> committed = new ArrayList<>(source.write(30));
            awaitArchived(vault, pg, source.target);
            committed.addAll(source.write(400));
            crash(pg, source.target); // mid-catch-up: the walsender is decoding the burst
            committed.addAll(source.write(30));
            awaitArchived(vault, pg, source.target);
            crash(pg, source.target); // idle: what it confirmed last is behind the server's checkpoint or not
            committed.addAll(source.write(30));
            awaitArchived(vault, pg, source.target);
            StreamingChanges.Summary summary = streamer.stop();

            assertThat(summary.interruptions()).as("the crashes cut the stream").isGreaterThanOrEqualTo(2);
            assertThat(summary.gaps()).isZero();
            source.assertArchivedOnce(vault, committed, dir);
        } finally {
            source.close();
        }
    }

    /** Kills the slot's walsender with SIGKILL: the postmaster restarts every process and recovers. */
    private void crash(PostgresServer pg, DatabaseTarget source) throws Exception {
        long walsender = awaitActiveSlot(pg, source);
        try (Connection c = pg.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("COPY (SELECT 1) TO PROGRAM 'kill -9 " + walsender + "'");
        } catch (SQLException e) {
            // The crash may end this session before its answer: expected.
        }
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            Thread.sleep(200);
            try (Connection c = pg.connect("postgres");
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("SELECT pg_postmaster_start_time() IS NOT NULL")) {
                if (r.next()) {
                    return;
                }
            } catch (SQLException e) {
                // recovering
            }
        }
        throw new AssertionError("the server did not come back within 60 s of the crash");
    }

    private long awaitActiveSlot(PostgresServer pg, DatabaseTarget source) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            try (Connection c = pg.connect("postgres");
                    var q = c.prepareStatement(
                            "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
                q.setString(1, StreamingChanges.slotName(id));
                try (ResultSet r = q.executeQuery()) {
                    if (r.next()) {
                        return r.getLong(1);
                    }
                }
            } catch (SQLException e) {
                // the server may be recovering from the last crash
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no streamer read the slot of " + source.database() + " within 60 s");
    }

    /** Until the archive's end has passed the server's current WAL position (every commit so far archived). */
    private void awaitArchived(dev.lifeboat.core.port.Vault vault, PostgresServer pg, DatabaseTarget source)
            throws Exception {
        long wal;
        try (Connection c = pg.connect(source.database());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            r.next();
            wal = Lsn.parse(r.getString(1));
        }
        ChangeArchive archive = new ChangeArchive(vault);
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < until) {
            Optional<ChangeSegment> last = archive.last(id);
            if (last.isPresent() && last.get().end() >= wal) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the streamer did not archive up to " + Lsn.format(wal) + " within 2 minutes");
    }

    /** The streamer, in this JVM, on a thread of its own. */
    private final class Streamer implements AutoCloseable {
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final Future<StreamingChanges.Summary> running;

        Streamer(dev.lifeboat.core.port.Vault vault, DatabaseTarget source) {
            StreamingChanges streaming = new StreamingChanges(vault, feed, Clock.systemUTC(), QUICK);
            running = thread.submit(() -> streaming.run(id, source, stopping::get));
        }

        StreamingChanges.Summary stop() throws Exception {
            stopping.set(true);
            return running.get(60, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            stopping.set(true);
            thread.shutdown();
            try {
                assertThat(thread.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The source database, its copy as it was when Lifeboat's slot was made (the base the archive follows), and the
     * transactions written to it, each recorded by its transaction id.
     */
    private final class Source implements AutoCloseable {
        final PostgresServer pg;
        final DatabaseTarget target;
        final String copy;
        private int next;

        Source(PostgresServer pg) {
            this.pg = pg;
            target = pg.newDatabase("cf_faults");
            pg.execute(target.database(), """
                    CREATE TABLE acct (id int PRIMARY KEY, balance bigint NOT NULL, note text);
                    INSERT INTO acct SELECT g, 1000, NULL FROM generate_series(1, 20) g;
                    CREATE TABLE journal (id bigserial PRIMARY KEY, acct int, amount bigint, data bytea)""");
            feed.createSlot(target, StreamingChanges.slotName(id));
            copy = PostgresServer.uniqueName("cf_faults_copy");
            pg.execute("postgres", "CREATE DATABASE \"" + copy + "\" TEMPLATE \"" + target.database() + "\"");
        }

        /** {@code n} transactions, each moving an amount between two accounts and journaling it; their ids. */
        List<Long> write(int n) throws SQLException {
            List<Long> xids = new ArrayList<>();
            try (Connection c = pg.connect(target.database());
                    Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                for (int i = 0; i < n; i++, next++) {
                    int from = 1 + next % 20;
                    int to = 1 + (next * 7 + 3) % 20;
                    s.execute("UPDATE acct SET balance = balance - " + next + " WHERE id = " + from);
                    s.execute("UPDATE acct SET balance = balance + " + next + ", note = repeat('n', " + next % 500
                            + ") WHERE id = " + to);
                    s.execute("INSERT INTO journal (acct, amount, data) VALUES (" + from + ", " + next
                            + ", decode(md5('" + next + "'), 'hex'))");
                    if (next % 9 == 8) {
                        s.execute("DELETE FROM journal WHERE id = (SELECT min(id) FROM journal)");
                    }
                    try (ResultSet r = s.executeQuery("SELECT txid_current() % 4294967296")) {
                        r.next();
                        xids.add(r.getLong(1));
                    }
                    c.commit();
                }
            }
            return xids;
        }

        /**
         * Every segment checked and read: the transactions in it are exactly {@code committed}, once each and in
         * their order, and its changes replayed into the copy give the source's tables.
         */
        void assertArchivedOnce(dev.lifeboat.core.port.Vault vault, List<Long> committed, Path dir) throws Exception {
            ChangeArchive archive = new ChangeArchive(vault);
            List<ChangeSegment> all = archive.segments(id);
            assertThat(archive.gaps(id)).isEmpty();
            assertThat(ChangeArchive.chainFrom(all, all.getFirst().start()))
                    .as("one unbroken chain")
                    .containsExactlyElementsOf(all);
            Path work = Files.createDirectories(dir.resolve("segments"));
            List<Long> archived = new ArrayList<>();
            List<byte[]> changes = new ArrayList<>();
            boolean lastWasCommit = true;
            for (Path file : archive.fetchChecked(all, work)) {
                for (String line : Files.readAllLines(file)) {
                    byte[] bytes = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    WalLine w = WalLine.parse(bytes);
                    if (w.changesRows()) {
                        // By transaction id, once per transaction that changed rows: the server's own transactions
                        // in the database (an autovacuum's ANALYZE writes the catalog) come through empty.
                        if (lastWasCommit) {
                            archived.add(w.xid());
                        }
                        lastWasCommit = false;
                        changes.add(bytes);
                    } else if (w.commits()) {
                        lastWasCommit = true;
                    }
                }
            }
            assertThat(archived)
                    .as("each committed transaction archived once, in commit order")
                    .containsExactlyElementsOf(committed);
            ChangeFeed.Applied applied = feed.apply(
                    pg.target(copy), changes.iterator(), feed.state(target).sequences(), Duration.ofMinutes(5));
            assertThat(applied.changes()).isEqualTo(changes.size());
            assertThat(Fingerprint.of(pg, copy))
                    .as("the copy, replayed, against the source")
                    .containsExactlyInAnyOrderEntriesOf(Fingerprint.of(pg, target.database()));
        }

        @Override
        public void close() {
            pg.execute(
                    "postgres",
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                            + StreamingChanges.slotName(id) + "' AND NOT active");
        }
    }
}
