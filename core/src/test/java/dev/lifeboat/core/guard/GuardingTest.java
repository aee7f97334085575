package dev.lifeboat.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.testing.Copies;
import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.testing.TestSettings;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The decision, against backups in an in-memory vault and copies in the in-memory RDS. */
class GuardingTest {
    private final LifeboatConfig config = TestSettings.orders();
    private final InMemoryVault vault = new InMemoryVault();
    private final Duration day = Duration.ofHours(26);

    private Guarding.Decision decide(String plan, Instant now, InMemoryRds rds) {
        return new Guarding(vault, rds, new MutableClock(now))
                .decide(config, TerraformPlan.deletions(TerraformPlanTest.plan(plan), plan), day);
    }

    @Test
    void aFreshDump_allowsTheDestroy() {
        DumpManifest m = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);

        Guarding.Decision d = decide("destroy.json", m.startedAt().plus(Duration.ofHours(3)), null);

        assertThat(d.allowed()).isTrue();
        assertThat(d.findings()).allSatisfy(f -> {
            assertThat(f.databaseId()).isEqualTo("orders");
            assertThat(f.newestDump()).isEqualTo(m.startedAt());
        });
        assertThat(d.findings().getFirst().notes())
                .contains("deletion protection is off", "skip_final_snapshot = true: no final snapshot");
    }

    @Test
    void anOldDump_orNone_refuses_sayingWhatIsMissingAndTheCommandThatFixesIt() {
        DumpManifest m = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);

        Guarding.Decision old = decide("destroy.json", m.startedAt().plus(Duration.ofHours(30)), null);
        assertThat(old.allowed()).isFalse();
        assertThat(old.findings().getFirst().problem()).contains("older than 26 h");
        assertThat(old.findings().getFirst().fix())
                .contains("lifeboat snapshot --config lifeboat.yml --database orders --wait");

        Guarding.Decision none = new Guarding(new InMemoryVault(), null, new MutableClock(m.startedAt()))
                .decide(config, TerraformPlan.deletions(TerraformPlanTest.plan("destroy.json"), "p"), day);
        assertThat(none.allowed()).isFalse();
        assertThat(none.findings().getFirst().problem()).contains("no good backup of orders");
    }

    @Test
    void aFreshSnapshotCopy_inTheBackupAccount_allowsToo() {
        Instant taken = Instant.parse("2026-11-25T03:00:00Z");
        InMemoryRds rds = new InMemoryRds(new MutableClock(taken));
        rds.put(Copies.ordersCopy(new Location(TestSettings.BACKUP, "eu-central-1")));

        assertThat(decide("destroy.json", taken.plus(Duration.ofHours(20)), rds).allowed())
                .isTrue();
        assertThat(decide("destroy.json", taken.plus(Duration.ofHours(27)), rds).allowed())
                .isFalse();
    }

    @Test
    void aDeletionThatDoesNotSayItsAccount_ofAnIdentifierTwoAccountsUse_isRefused_asAmbiguous() {
        LifeboatConfig.Database orders = config.database("orders");
        LifeboatConfig.Database staging = new LifeboatConfig.Database(
                "orders-staging",
                orders.engine(),
                new LifeboatConfig.Source(
                        "333333333333", "eu-west-1", orders.source().kind(), "orders-prod", null, null, null, null),
                orders.snapshot(),
                orders.retention(),
                orders.schedules(),
                orders.dump(),
                orders.verify());
        LifeboatConfig two = LifeboatConfig.builder()
                .backup(config.backup())
                .databases(java.util.Map.of("orders", orders, "orders-staging", staging))
                .document("{}")
                .build();
        DumpManifest m = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);
        Guarding guarding =
                new Guarding(vault, null, new MutableClock(m.startedAt().plus(Duration.ofHours(1))));
        TerraformPlan.Deletion noAccount = new TerraformPlan.Deletion(
                "aws_db_instance.db",
                "aws_db_instance",
                TerraformPlan.Kind.INSTANCE,
                "orders-prod",
                null,
                "eu-west-1",
                false,
                null,
                null,
                null,
                null);

        Guarding.Decision d = guarding.decide(two, java.util.List.of(noAccount), day);

        assertThat(d.allowed())
                .as("orders' fresh dump is no backup of orders-staging")
                .isFalse();
        assertThat(d.findings().getFirst().problem())
                .contains("orders-prod is ambiguous", "orders in 111111111111/eu-west-1")
                .contains("orders-staging in 333333333333/eu-west-1");
        TerraformPlan.Deletion inProduction = new TerraformPlan.Deletion(
                "aws_db_instance.db",
                "aws_db_instance",
                TerraformPlan.Kind.INSTANCE,
                "orders-prod",
                TestSettings.PROD,
                "eu-west-1",
                false,
                null,
                null,
                null,
                null);
        assertThat(guarding.decide(two, java.util.List.of(inProduction), day).allowed())
                .as("with its account, the deletion is orders', which has a fresh dump")
                .isTrue();
    }

    @Test
    void aDatabaseLifeboatDoesNotProtect_refuses_asNotProtected() {
        FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);

        Guarding.Decision d = decide("unknown.json", FakeDumps.AT_NIGHT.instant(), null);

        assertThat(d.allowed()).isFalse();
        assertThat(d.findings().getFirst().problem()).contains("payroll-prod is not protected by Lifeboat");
    }

    @Test
    void aPlanThatOnlyUpdates_deletesNothing_andIsAllowed() {
        String update = TerraformPlanTest.plan("replace-in-modules.json")
                .replace("\"actions\": [\"create\", \"delete\"]", "\"actions\": [\"update\"]");
        Guarding.Decision d = new Guarding(vault, null, new MutableClock(FakeDumps.AT_NIGHT.instant()))
                .decide(config, TerraformPlan.deletions(update, "p"), day);

        assertThat(d.allowed()).isTrue();
        assertThat(d.findings()).isEmpty();
    }

    @Test
    void withoutMaxAge_eachDatabaseIsHeldToItsOwn_schedulesMaxAge() {
        DumpManifest m = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);
        LifeboatConfig.Database d = config.database("orders");
        LifeboatConfig strict = LifeboatConfig.builder()
                .backup(config.backup())
                .databases(java.util.Map.of(
                        "orders",
                        new LifeboatConfig.Database(
                                d.id(),
                                d.engine(),
                                d.source(),
                                d.snapshot(),
                                d.retention(),
                                LifeboatConfig.Schedules.builder()
                                        .dump("cron(0 * * * ? *)")
                                        .maxAge(Duration.ofHours(2))
                                        .build(),
                                d.dump(),
                                d.verify())))
                .document("{}")
                .build();
        var plan = TerraformPlan.deletions(TerraformPlanTest.plan("destroy.json"), "p");
        MutableClock clock = new MutableClock(m.startedAt().plus(Duration.ofHours(3)));

        Guarding.Decision own = new Guarding(vault, null, clock).decide(strict, plan, null);
        assertThat(own.allowed()).isFalse();
        assertThat(own.findings().getFirst().maxAge()).isEqualTo(Duration.ofHours(2));
        assertThat(own.findings().getFirst().problem()).contains("older than 2 h");
        // The default for a database that sets none: 26 hours.
        assertThat(new Guarding(vault, null, clock).decide(config, plan, null).allowed())
                .isTrue();
        // --max-age overrides every database's own.
        assertThat(new Guarding(vault, null, clock).decide(strict, plan, day).allowed())
                .isTrue();
    }

    @Test
    void aBackupAVerificationRunRestored_isReportedAsVerified_aFailedRunVerifiesNothing() {
        DumpManifest m = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);
        Instant now = m.startedAt().plus(Duration.ofHours(3));
        dev.lifeboat.core.testing.Reports.store(
                vault, "orders", m.startedAt().plus(Duration.ofHours(1)), null, m.backupId(), false);

        Guarding.Finding failed = decide("destroy.json", now, null).findings().getFirst();
        assertThat(failed.backups().dump().verified()).isFalse();
        assertThat(failed.backups().lastVerified()).isNull();

        dev.lifeboat.core.testing.Reports.store(
                vault, "orders", m.startedAt().plus(Duration.ofHours(2)), null, m.backupId(), true);
        Guarding.Finding passed = decide("destroy.json", now, null).findings().getFirst();
        assertThat(passed.backups().dump().verified()).isTrue();
        assertThat(passed.backups().lastVerified()).isEqualTo(m.startedAt().plus(Duration.ofHours(2)));
    }
}
