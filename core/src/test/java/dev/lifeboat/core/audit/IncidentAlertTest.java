package dev.lifeboat.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.testing.Copies;
import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.testing.Reports;
import dev.lifeboat.core.testing.TestSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alert on a destructive call in production: which database, its newest backups, how to restore. */
class IncidentAlertTest {
    private static final Location BACKUP = new Location(TestSettings.BACKUP, "eu-central-1");
    private static final String AGENT = "arn:aws:sts::111111111111:assumed-role/terraform/agent";

    private final InMemoryVault vault = new InMemoryVault();
    private final LifeboatConfig config = TestSettings.orders();

    private IncidentAlert.Incident call(String eventName, String identifier, String errorCode, Instant at) {
        return new IncidentAlert.Incident(eventName, TestSettings.PROD, "eu-west-1", at, AGENT, identifier, errorCode);
    }

    @Test
    void theDeletionOfAProtectedDatabase_namesItsNewestCopyAndDump_theirAges_andTheRestoreCommand() {
        DumpManifest dump = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);
        Instant now = dump.startedAt().plus(Duration.ofHours(19));
        MutableClock clock = new MutableClock(now);
        InMemoryRds rds = new InMemoryRds(clock);
        Instant copyTaken = dump.startedAt().minus(Duration.ofMinutes(30));
        rds.put(Copies.lifeboatCopy(BACKUP, "orders", "lifeboat-orders-x", copyTaken));
        Reports.store(vault, "orders", copyTaken.plus(Duration.ofHours(1)), "lifeboat-orders-x", null, true);

        IncidentAlert.Alert a = new IncidentAlert(new NewestBackups(vault, rds, clock), clock)
                .of(config, call("DeleteDBInstance", "orders-prod", null, now));

        assertThat(a.databaseId()).isEqualTo("orders");
        assertThat(a.subject()).isEqualTo("Lifeboat: DeleteDBInstance of orders in 111111111111/eu-west-1");
        assertThat(a.message())
                .startsWith("orders-prod was deleted in 111111111111/eu-west-1 at " + now + " by " + AGENT)
                .contains("newest good snapshot copy: lifeboat-orders-x, taken " + copyTaken
                        + " (19 h 30 min ago), verified by a restore")
                .contains("newest good dump: " + dump.backupId() + ", taken " + dump.startedAt() + " (19 h ago)\n")
                .contains("Restore with: lifeboat restore --config lifeboat.yml --database orders --from snapshot"
                        + " --backup latest --target-instance orders-prod-restored --dry-run")
                .contains("Or from the dump: lifeboat restore --config lifeboat.yml --database orders --from dump");
    }

    @Test
    void aDatabaseLifeboatDoesNotKnow_isSaidToBeUnprotected_andACallThatWasRefused_saysSo() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T23:04:00Z"));
        IncidentAlert alert = new IncidentAlert(new NewestBackups(vault, new InMemoryRds(clock), clock), clock);

        IncidentAlert.Alert unknown = alert.of(config, call("DeleteDBInstance", "payroll-prod", null, clock.now));
        assertThat(unknown.databaseId()).isNull();
        assertThat(unknown.message()).contains("Lifeboat does not protect payroll-prod");

        IncidentAlert.Alert refused =
                alert.of(config, call("DeleteDBInstance", "orders-prod", "InvalidParameterCombination", clock.now));
        assertThat(refused.subject()).startsWith("Lifeboat: attempted DeleteDBInstance of orders");
        assertThat(refused.message())
                .startsWith("Attempted and refused (InvalidParameterCombination): orders-prod was deleted")
                .contains("No backup of orders is in the backup account");
    }

    @Test
    void theSameIdentifier_inAnotherAccountOrRegion_orAClusterCallOnAnInstanceName_isNotTheProtectedDatabase() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T23:04:00Z"));
        IncidentAlert alert = new IncidentAlert(new NewestBackups(vault, null, clock), clock);
        IncidentAlert.Incident elsewhere = new IncidentAlert.Incident(
                "DeleteDBInstance", "999999999999", "eu-west-1", clock.now, AGENT, "orders-prod", null);
        IncidentAlert.Incident otherRegion = new IncidentAlert.Incident(
                "DeleteDBInstance", TestSettings.PROD, "us-east-1", clock.now, AGENT, "orders-prod", null);

        assertThat(alert.of(config, elsewhere).databaseId()).isNull();
        assertThat(alert.of(config, otherRegion).databaseId()).isNull();
        assertThat(alert.of(config, call("DeleteDBCluster", "orders-prod", null, clock.now))
                        .databaseId())
                .isNull();
        assertThat(alert.of(
                                config,
                                call(
                                        "StopDBInstanceAutomatedBackupsReplication",
                                        "arn:aws:rds:eu-west-1:111111111111:db:orders-prod",
                                        null,
                                        clock.now))
                        .databaseId())
                .isEqualTo("orders");
    }

    @Test
    void aDeletedLifeboatSnapshot_isMatchedByTheDatabaseItsNameCarries_notByAPrefixOfIt() {
        LifeboatConfig.Database d = config.database("orders");
        LifeboatConfig two = LifeboatConfig.builder()
                .backup(config.backup())
                .databases(Map.of(
                        "orders",
                        d,
                        "orders-eu",
                        new LifeboatConfig.Database(
                                "orders-eu",
                                d.engine(),
                                d.source(),
                                d.snapshot(),
                                d.retention(),
                                d.schedules(),
                                d.dump(),
                                d.verify())))
                .document("{}")
                .build();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T23:04:00Z"));
        IncidentAlert alert = new IncidentAlert(new NewestBackups(vault, null, clock), clock);

        assertThat(alert.of(two, call("DeleteDBSnapshot", "lifeboat-orders-eu-20261126-0300", null, clock.now))
                        .databaseId())
                .isEqualTo("orders-eu");
        assertThat(alert.of(two, call("DeleteDBSnapshot", "lifeboat-orders-20261126-0300-share", null, clock.now))
                        .databaseId())
                .isEqualTo("orders");
        assertThat(alert.of(two, call("DeleteDBSnapshot", "lifeboat-unknown-20261126-0300", null, clock.now))
                        .databaseId())
                .isNull();
    }
}
