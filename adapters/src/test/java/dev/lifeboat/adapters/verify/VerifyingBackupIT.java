package dev.lifeboat.adapters.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.adapters.jdbc.JdbcInspector;
import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.config.TestConfigs;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.core.testing.Copies;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemorySecretStore;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.verify.SweepingVerifications;
import dev.lifeboat.core.verify.VerificationReports;
import dev.lifeboat.core.verify.VerifyingBackup;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verification runs on real data: the throwaway instance's endpoint resolves to the local PostgreSQL,
 * where "restoring the snapshot" loads the same data the copy holds (RDS itself is the in-memory fake).
 */
@ExtendWith(RealParts.class)
class VerifyingBackupIT {
    private static final Location VAULT_LOC = new Location("222222222222", "eu-central-1");
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private PostgresServer pg;
    private LocalDirectoryVault vault;
    private MutableClock clock;
    private LocalRds rds;
    private final Map<String, String> prefixes = new HashMap<>();
    private DumpManifest manifest;

    /** The fake RDS, whose restores put the copy's data into a real local database. */
    class LocalRds extends InMemoryRds {
        LocalRds(Clock clock) {
            super(clock);
        }

        @Override
        public synchronized SourceDatabase restore(Location where, DbKind kind, RestoreSpec spec) {
            SourceDatabase db = super.restore(where, kind, spec);
            String prefix = "v" + run + prefixes.size() + "_";
            prefixes.put(spec.newIdentifier() + "." + where.region() + ".rds.example:5432", prefix);
            new RestoringDump(
                            vault,
                            new JdbcInspector(),
                            ProcessDumpTools.fromEnvironment(),
                            Clock.systemUTC(),
                            Duration.ofMinutes(5))
                    .restore(new RestoringDump.Command(
                            "orders", manifest.backupId(), pg.target(prefix + "orders"), true, false, false, null));
            return db;
        }

        @Override
        public synchronized String resetMasterPassword(
                Location where, DbKind kind, String identifier, Secret password) {
            super.resetMasterPassword(where, kind, identifier, password);
            String user = "verify_" + run + "_" + prefixes.size();
            pg.execute("postgres", "CREATE ROLE " + user + " LOGIN SUPERUSER PASSWORD '" + password.reveal() + "'");
            return user;
        }
    }

    private final InMemorySecretStore secretStore = new InMemorySecretStore();

    private LifeboatConfig config(String verifyBlock) {
        return TestConfigs.orders("", "", """
                dump:
                  secretArn: arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-AbCdEf
                  dbname: orders
                """ + TestConfigs.block(verifyBlock));
    }

    @BeforeEach
    void setUp(PostgresServer pg, @TempDir Path dir) {
        this.pg = pg;
        vault = new LocalDirectoryVault(dir);
        clock = new MutableClock(Instant.parse("2026-11-25T06:00:00Z"));
        rds = new LocalRds(clock);
        DatabaseTarget source = pg.newDatabase("verify_src");
        pg.execute(
                source.database(),
                "CREATE TABLE customers AS SELECT g AS id, 'c' || g AS name FROM generate_series(1, 50) g;"
                        + "CREATE TABLE orders AS SELECT g AS id, g % 50 + 1 AS customer, now() - g * interval '1 hour' AS placed"
                        + " FROM generate_series(1, 500) g");
        manifest = new TakingDump(
                        vault,
                        new JdbcInspector(),
                        ProcessDumpTools.fromEnvironment(),
                        // the dump finished between the snapshot (03:20) and the verification run (06:00)
                        Clock.fixed(Instant.parse("2026-11-25T03:30:00Z"), ZoneOffset.UTC),
                        TakingDump.Settings.DEFAULTS)
                .dump(new TakingDump.Command("orders", source, null, null))
                .manifest();
        rds.put(Copies.ordersCopy(VAULT_LOC));
    }

    private static final Duration LIMIT = Duration.ofMinutes(10);

    private VerifyingBackup verifier() {
        return new VerifyingBackup(
                rds,
                vault,
                new JdbcInspector(),
                ProcessDumpTools.fromEnvironment(),
                secretStore,
                (engine, endpoint, database, user, password) -> new DatabaseTarget(
                        DatabaseEngine.POSTGRESQL,
                        pg.host(),
                        pg.port(),
                        prefixes.get(endpoint) + database,
                        user,
                        password),
                clock,
                d -> clock.now = clock.now.plus(d));
    }

    private static final String ASSERTIONS = """
            verify:
              availableWithinMinutes: 30
              assertions:
                - {name: orders exist, sql: "SELECT count(*) FROM orders", expect: "> 0"}
                - {name: every order has a customer, sql: "SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer WHERE c.id IS NULL", expect: "= 0"}
            """;

    @Test
    void success_checksBothRestoresAgainstTheManifest_measuresRecovery_andCleansUp() {
        VerifyingBackup.Report r = verifier().verify(config(ASSERTIONS), "orders", LIMIT);

        assertThat(r.checks())
                .allSatisfy(c ->
                        assertThat(c.passed()).as(c.name() + ": " + c.detail()).isTrue());
        assertThat(r.checks())
                .extracting(VerifyingBackup.Check::name)
                .contains(
                        "available",
                        "connect",
                        "dump restore",
                        "tables present",
                        "row counts",
                        "assertion: orders exist",
                        "assertion: every order has a customer");
        assertThat(r.success()).isTrue();
        assertThat(r.recoverySeconds()).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat(r.backupAgeHours()).isEqualTo(3.0);
        assertThat(r.cleanedUp()).isTrue();
        assertThat(rds.calls).anyMatch(c -> c.startsWith("delete-database ") && c.endsWith(r.instance()));
        assertThat(secretStore.names).isEmpty();
        assertThat(vault.list("verifications/orders/")).hasSize(1);
        assertThat(new VerificationReports(vault).of("orders"))
                .singleElement()
                .extracting(VerifyingBackup.Report::success)
                .isEqualTo(true);
        assertThat(rds.restores).singleElement().satisfies(spec -> {
            assertThat(spec.deletionProtection()).isFalse();
            assertThat(spec.instanceClass()).isEqualTo("db.t4g.micro");
            assertThat(spec.tags()).containsKeys(VerifyingBackup.VERIFICATION, VerifyingBackup.EXPIRES_AT);
        });
    }

    @Test
    void aDumpWithOneFlippedByte_isReportedCorrupt_andTheInstanceIsStillDeleted() throws IOException {
        Path object = Path.of(vault.describe().substring("file:".length())).resolve(manifest.objectKey());
        Files.setPosixFilePermissions(object, PosixFilePermissions.fromString("rw-r--r--"));
        byte[] bytes = Files.readAllBytes(object);
        // The snapshot-side restore (the fake RDS) reads the same object, so flip it only after that restore.
        VerifyingBackup v = new VerifyingBackup(
                new LocalRds(clock) {
                    {
                        rdsCopy(this);
                    }

                    @Override
                    public synchronized String resetMasterPassword(
                            Location where, DbKind kind, String identifier, Secret password) {
                        bytes[bytes.length / 2] ^= 0x01;
                        try {
                            Files.write(object, bytes);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        return super.resetMasterPassword(where, kind, identifier, password);
                    }
                },
                vault,
                new JdbcInspector(),
                ProcessDumpTools.fromEnvironment(),
                secretStore,
                (engine, endpoint, database, user, password) -> new DatabaseTarget(
                        DatabaseEngine.POSTGRESQL,
                        pg.host(),
                        pg.port(),
                        prefixes.get(endpoint) + database,
                        user,
                        password),
                clock,
                d -> clock.now = clock.now.plus(d));

        VerifyingBackup.Report r = v.verify(config(ASSERTIONS), "orders", LIMIT);

        assertThat(r.success()).isFalse();
        assertThat(r.checks())
                .filteredOn(c -> c.name().equals("dump restore"))
                .singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("is corrupt"));
        assertThat(r.cleanedUp()).isTrue();
        assertThat(secretStore.names).isEmpty();
    }

    private void rdsCopy(InMemoryRds other) {
        rds.all(VAULT_LOC).forEach(other::put);
    }

    @Test
    void aFailingSqlAssertion_isReported() {
        VerifyingBackup.Report r = verifier().verify(config("""
                    verify:
                      assertions:
                        - {name: orders in the last hour, sql: "SELECT count(*) FROM orders WHERE placed > now() + interval '1 day'", expect: "> 0"}
                """), "orders", LIMIT);

        assertThat(r.success()).isFalse();
        assertThat(r.checks())
                .filteredOn(c -> c.name().equals("assertion: orders in the last hour"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.passed()).isFalse();
                    assertThat(c.detail()).isEqualTo("got 0.0, expected > 0");
                });
        assertThat(r.cleanedUp()).isTrue();
    }

    @Test
    void aRestoreThatNeverBecomesAvailable_isReportedAsTimeout_andCleanedUp() {
        rds.restorePolls = Integer.MAX_VALUE;

        VerifyingBackup.Report r = verifier().verify(config("""
                    verify: {availableWithinMinutes: 20}
                """), "orders", LIMIT);

        assertThat(r.success()).isFalse();
        assertThat(r.error()).contains("was not available within the limit");
        assertThat(r.cleanedUp()).isTrue();
        assertThat(rds.calls).anyMatch(c -> c.startsWith("delete-database ") && c.endsWith(r.instance()));
        assertThat(rds.databasesTagged(VAULT_LOC, DbKind.INSTANCE, VerifyingBackup.VERIFICATION))
                .isEmpty();
    }

    @Test
    void whatACrashedRunLeft_isRemovedByTheSweeper_andNothingElse() {
        rds.restore(
                VAULT_LOC,
                DbKind.INSTANCE,
                new RdsGateway.RestoreSpec(
                        "lifeboat-orders-20261125-0300",
                        "lifeboat-verify-orders-crashed",
                        "postgres",
                        "db.t4g.micro",
                        null,
                        List.of(),
                        null,
                        null,
                        false,
                        false,
                        Map.of(
                                VerifyingBackup.VERIFICATION,
                                "crashed",
                                VerifyingBackup.EXPIRES_AT,
                                "2026-11-25T05:00:00Z")));
        rds.restore(
                VAULT_LOC,
                DbKind.INSTANCE,
                new RdsGateway.RestoreSpec(
                        "lifeboat-orders-20261125-0300",
                        "lifeboat-verify-orders-running",
                        "postgres",
                        "db.t4g.micro",
                        null,
                        List.of(),
                        null,
                        null,
                        false,
                        false,
                        Map.of(
                                VerifyingBackup.VERIFICATION,
                                "running",
                                VerifyingBackup.EXPIRES_AT,
                                "2026-11-25T09:00:00Z")));
        rds.addDatabase(VAULT_LOC, "someone-elses-db", "postgres", null);

        List<String> swept = new SweepingVerifications(rds, secretStore, clock)
                .sweep(config("").backup().location());

        assertThat(swept).containsExactly("lifeboat-verify-orders-crashed");
        assertThat(rds.database(VAULT_LOC, DbKind.INSTANCE, "lifeboat-verify-orders-running"))
                .isPresent();
        assertThat(rds.database(VAULT_LOC, DbKind.INSTANCE, "someone-elses-db")).isPresent();
    }

    @Test
    void freshness_isStale_whenTheNewestVerifiedBackupIsOlderThanTheLimit() {
        VerifyingBackup.Report passed = verifier().verify(config(ASSERTIONS), "orders", LIMIT);
        List<VerifyingBackup.Report> reports = new VerificationReports(vault).of("orders");

        assertThat(passed.success()).isTrue();
        // The verified copy was taken at 03:00; the limit is 26 hours.
        assertThat(VerificationReports.fresh(reports, Duration.ofHours(26), Instant.parse("2026-11-26T04:59:00Z")))
                .isTrue();
        assertThat(VerificationReports.fresh(reports, Duration.ofHours(26), Instant.parse("2026-11-26T05:01:00Z")))
                .isFalse();
        assertThat(VerificationReports.fresh(List.of(), Duration.ofHours(26), clock.now))
                .isFalse();
    }
}
