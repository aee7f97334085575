package dev.lifeboat.adapters.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.model.Compression;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.testing.FaultyS3Proxy;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import dev.lifeboat.testing.Wiring;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 13: a PostgreSQL dump in parts, each pg_dump reading at one exported snapshot, each streaming into an object
 * of its own; restored in parallel. Proven with the real pg_dump and pg_restore against the real server.
 */
@ExtendWith(RealParts.class)
class ParallelDumpIT {
    private static TakingDump dumping(Vault vault, int jobs) {
        return Wiring.dumping(vault, ProcessDumpTools.fromEnvironment(), TakingDump.Settings.DEFAULTS.withJobs(jobs));
    }

    @Test
    void theTrickyFixture_inThreeParts_restoresWithIdenticalFingerprints_inParallelAndOneAtATime(
            PostgresServer pg, @TempDir Path dir) {
        DatabaseTarget source = pg.newDatabase("par");
        Fixtures.loadTricky(pg, source.database());
        Map<String, String> before = Fingerprint.of(pg, source.database());
        assertThat(before.keySet())
                .anyMatch(k -> k.startsWith("sequence "))
                .anyMatch(k -> k.startsWith("large-object "))
                .anyMatch(k -> k.startsWith("table \"Sales & Ops\""))
                .anyMatch(k -> k.startsWith("table public.measurements_2026"));
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);

        DumpManifest m = dumping(vault, 3)
                .dump(new TakingDump.Command("par", source, null, null))
                .manifest();

        assertThat(m.parallel()).isTrue();
        assertThat(m.manifestVersion()).isEqualTo(DumpManifest.PARALLEL_VERSION);
        assertThat(m.format()).isEqualTo("pg_dump-custom-parallel");
        assertThat(m.parts()).hasSize(3);
        for (int jobs : List.of(3, 1)) {
            DatabaseTarget target = pg.target(PostgresServer.uniqueName("par_restored"));
            RestoringDump.Result r = Wiring.restoring(vault)
                    .withJobs(jobs)
                    .restore(new RestoringDump.Command("par", "latest", target, true, false, false, null));
            assertThat(r.bytes()).isEqualTo(m.totalBytes());
            assertThat(Fingerprint.of(pg, target.database()))
                    .as("restored with %d jobs", jobs)
                    .isEqualTo(before);
        }
    }

    /**
     * --single-transaction: the same backup through one psql session fed pg_restore's SQL, part after part; a corrupt
     * last part or a failed statement leaves a database that existed exactly as it was (not even the tables of the
     * pre-data section stay).
     */
    @Test
    void inOneTransaction_theTrickyFixtureRestoresIdentically_andAFailureLeavesAnExistingDatabaseAsItWas(
            PostgresServer pg, @TempDir Path dir) throws Exception {
        DatabaseTarget source = pg.newDatabase("one");
        Fixtures.loadTricky(pg, source.database());
        Map<String, String> before = Fingerprint.of(pg, source.database());
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);
        DumpManifest m = dumping(vault, 3)
                .dump(new TakingDump.Command("one", source, null, null))
                .manifest();
        assertThat(m.parts()).hasSize(3);

        DatabaseTarget fresh = pg.target(PostgresServer.uniqueName("one_restored"));
        Wiring.restoring(vault)
                .inOneTransaction(true)
                .restore(new RestoringDump.Command("one", "latest", fresh, true, false, false, null));
        assertThat(Fingerprint.of(pg, fresh.database())).isEqualTo(before);

        // A table of the backup already there: the session's CREATE TABLE fails, and nothing of the backup stays.
        DatabaseTarget existing = pg.newDatabase("one_existing");
        pg.execute(existing.database(), "CREATE TABLE audit (keep int); INSERT INTO audit VALUES (7)");
        assertThatThrownBy(() -> Wiring.restoring(vault)
                        .inOneTransaction(true)
                        .restore(new RestoringDump.Command("one", "latest", existing, false, true, false, null)))
                .isInstanceOf(dev.lifeboat.core.error.RestoreFailedException.class)
                .hasMessageContaining("already exists");
        assertThat(userTables(pg, existing.database())).containsExactly("audit");

        // A corrupt last part into the now empty existing database: found at its end, nothing committed.
        pg.execute(existing.database(), "DROP TABLE audit");
        Path last;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir)) {
            last = files.filter(f -> f.toString().endsWith(m.parts().getLast().objectKey()))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] bytes = java.nio.file.Files.readAllBytes(last);
        bytes[bytes.length - 1] ^= 1;
        java.nio.file.Files.write(last, bytes);
        assertThatThrownBy(() -> Wiring.restoring(vault)
                        .inOneTransaction(true)
                        .restore(new RestoringDump.Command("one", "latest", existing, false, false, false, null)))
                .isInstanceOf(dev.lifeboat.core.error.ChecksumMismatchException.class);
        assertThat(userTables(pg, existing.database())).isEmpty();
    }

    private static List<String> userTables(PostgresServer pg, String database) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        try (Connection c = pg.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid ="
                        + " c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog',"
                        + " 'information_schema') ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /**
     * A writer moves money between two tables (in different parts) while the dump runs: every transaction inserts a
     * debit and its credit. A dump whose parts read different moments would restore unequal sums.
     */
    @Test
    void aWriterDuringTheDump_restoresOnePointInTime_whoseLedgerBalances(PostgresServer pg, @TempDir Path dir)
            throws Exception {
        DatabaseTarget source = pg.newDatabase("ledger");
        pg.execute(
                source.database(),
                "CREATE TABLE debits (id bigserial PRIMARY KEY, amount bigint NOT NULL, pad text);"
                        + " CREATE TABLE credits (id bigserial PRIMARY KEY, amount bigint NOT NULL, pad text);"
                        + " CREATE TABLE filler AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 50000) g;"
                        + " INSERT INTO debits (amount, pad) SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 150000) g;"
                        + " INSERT INTO credits (amount, pad) SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 150000) g;");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger committed = new AtomicInteger();
        Thread writer = Thread.ofPlatform().start(() -> {
            try (Connection c = pg.connect(source.database());
                    Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                for (int i = 1; !stop.get(); i++) {
                    s.execute("INSERT INTO debits (amount) VALUES (" + i + ")");
                    s.execute("INSERT INTO credits (amount) VALUES (" + i + ")");
                    s.execute("UPDATE filler SET note = 'moved " + i + "' WHERE id = " + (i % 50000 + 1));
                    c.commit();
                    committed.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);
        DumpManifest m;
        try {
            while (committed.get() < 20) {
                Thread.sleep(10);
            }
            m = dumping(vault, 3)
                    .dump(new TakingDump.Command("ledger", source, null, null))
                    .manifest();
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(m.parts()).hasSize(3);
        int during = committed.get();
        assertThat(during).as("the writer committed while the dump ran").isGreaterThan(20);

        DatabaseTarget target = pg.target(PostgresServer.uniqueName("ledger_restored"));
        Wiring.restoring(vault)
                .restore(new RestoringDump.Command("ledger", "latest", target, true, false, false, null));

        try (Connection c = pg.connect(target.database());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM debits), (SELECT count(*) FROM credits),"
                        + " (SELECT sum(amount) FROM debits), (SELECT sum(amount) FROM credits),"
                        + " (SELECT count(*) FROM filler WHERE note LIKE 'moved %')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2)).isGreaterThan(150_000);
            assertThat(rs.getLong(3)).isEqualTo(rs.getLong(4));
            // The filler's moved rows are those of the same transactions: one per debit past the first 150,000.
            assertThat(rs.getLong(5)).isEqualTo(Math.min(50_000, rs.getLong(1) - 150_000));
        }
    }

    /** A worker killed mid-dump: the others are stopped, every upload aborted, and no manifest written. */
    @Test
    void aKilledPart_leavesNoManifest_noObject_andNoOpenUpload(PostgresServer pg, MotoServer moto) {
        DatabaseTarget source = pg.newDatabase("kill");
        pg.execute(
                source.database(),
                "CREATE TABLE a AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 200000) g;"
                        + " CREATE TABLE b AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 200000) g;");
        S3Client s3 = moto.s3();
        String bucket = moto.newBucket(s3, true);
        S3Vault vault =
                new S3Vault(s3, S3Vault.Settings.of(bucket, "v").withParts(5 * 1024 * 1024, 2), Clock.systemUTC());
        ProcessDumpTools real = ProcessDumpTools.fromEnvironment();
        DumpTools killingOnePart = new DumpTools() {
            @Override
            public DumpTool dumpTool(DatabaseEngine engine) {
                DumpTool tool = real.dumpTool(engine);
                return new DumpTool() {
                    @Override
                    public String name() {
                        return tool.name();
                    }

                    @Override
                    public dev.lifeboat.core.model.SoftwareVersion version() {
                        return tool.version();
                    }

                    @Override
                    public String format() {
                        return tool.format();
                    }

                    @Override
                    public String extension() {
                        return tool.extension();
                    }

                    @Override
                    public boolean gzipOutput() {
                        return tool.gzipOutput();
                    }

                    @Override
                    public Running start(DatabaseTarget s) {
                        return tool.start(s);
                    }

                    @Override
                    public boolean slices() {
                        return true;
                    }

                    @Override
                    public Running start(DatabaseTarget s, Compression c, Slice slice) {
                        Running r = tool.start(s, c, slice);
                        if (!slice.only().isEmpty()) {
                            r.kill(); // as the OOM killer or a signal would
                        }
                        return r;
                    }
                };
            }

            @Override
            public LoadTool loadTool(DatabaseEngine engine) {
                return real.loadTool(engine);
            }
        };

        assertThatThrownBy(() -> Wiring.dumping(vault, killingOnePart, TakingDump.Settings.DEFAULTS.withJobs(2))
                        .dump(new TakingDump.Command("kill", source, null, null)))
                .isInstanceOf(LifeboatException.class);

        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        assertThat(new S3Vault(s3, S3Vault.Settings.of(bucket, "v"), Clock.systemUTC()).list("dumps/"))
                .noneMatch(VaultLayout::isManifest);
        assertThat(s3.listObjectVersions(b -> b.bucket(bucket)).versions())
                .as("no part completed while another failed")
                .isEmpty();
    }

    /** An S3 fault on one part's upload (through the test's own proxy): the whole backup fails, nothing is left open. */
    @Test
    void anS3FaultOnOnePart_failsTheBackup_andLeavesNoOpenUpload(PostgresServer pg, MotoServer moto) throws Exception {
        DatabaseTarget source = pg.newDatabase("pfault");
        pg.execute(
                source.database(),
                "CREATE TABLE a AS SELECT g AS id, md5(g::text) || md5(g::text) AS note FROM generate_series(1, 300000) g;"
                        + " CREATE TABLE b AS SELECT g AS id, md5(g::text) || md5(g::text) AS note FROM generate_series(1, 300000) g;");
        S3Client direct = moto.s3();
        String bucket = moto.newBucket(direct, false);
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(moto.endpoint());
                AwsClients throughProxy =
                        new AwsClients(Optional.of(URI.create(proxy.endpoint())), Optional.of(MotoServer.REGION))) {
            proxy.fail(FaultyS3Proxy.Operation.UPLOAD_PART, FaultyS3Proxy.Fault.SERVER_ERROR);
            S3Vault vault = new S3Vault(
                    throughProxy.s3(),
                    S3Vault.Settings.of(bucket, "v").withParts(5 * 1024 * 1024, 2),
                    Clock.systemUTC());
            Compression none = Compression.parse("none");
            LifeboatException failure = null;
            try {
                Wiring.dumping(
                                vault,
                                ProcessDumpTools.fromEnvironment(),
                                TakingDump.Settings.DEFAULTS
                                        .withCompression(none)
                                        .withJobs(2))
                        .dump(new TakingDump.Command("pfault", source, null, null));
            } catch (LifeboatException e) {
                failure = e;
            }
            assertThat(proxy.seen(FaultyS3Proxy.Operation.UPLOAD_PART))
                    .as("the fault was met")
                    .isPositive();
            assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads())
                    .isEmpty();
            boolean manifest = new S3Vault(direct, S3Vault.Settings.of(bucket, "v"), Clock.systemUTC())
                    .list("dumps/").stream().anyMatch(VaultLayout::isManifest);
            if (failure != null) {
                assertThat(manifest).as("a failed part leaves no manifest").isFalse();
            } else {
                // The SDK's own retry carried the part through: then the backup must be whole.
                assertThat(manifest).isTrue();
                DatabaseTarget target = pg.target(PostgresServer.uniqueName("pfault_restored"));
                Wiring.restoring(new S3Vault(direct, S3Vault.Settings.of(bucket, "v"), Clock.systemUTC()))
                        .restore(new RestoringDump.Command("pfault", "latest", target, true, false, false, null));
                assertThat(Fingerprint.of(pg, target.database())).isEqualTo(Fingerprint.of(pg, source.database()));
            }
        }
    }
}
