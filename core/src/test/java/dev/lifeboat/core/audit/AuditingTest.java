package dev.lifeboat.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.RdsDatabases.Protection;
import dev.lifeboat.core.testing.Copies;
import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.IamModel;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.testing.TestSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit's rules on the in-memory RDS and vault (AuditCommandIT runs it against moto's RDS). */
class AuditingTest {
    private static final Location PROD = new Location(TestSettings.PROD, "eu-west-1");
    private static final Location BACKUP = new Location(TestSettings.BACKUP, "eu-central-1");

    /** orders with snapshot and dump schedules. */
    private static LifeboatConfig scheduled() {
        LifeboatConfig c = TestSettings.orders();
        LifeboatConfig.Database d = c.database("orders");
        return new LifeboatConfig(
                c.backup(),
                Map.of(
                        "orders",
                        new LifeboatConfig.Database(
                                d.id(),
                                d.engine(),
                                d.source(),
                                d.snapshot(),
                                d.retention(),
                                new LifeboatConfig.Schedules("cron(0 3 * * ? *)", "cron(30 3 * * ? *)", null),
                                d.dump(),
                                d.verify())),
                "{}");
    }

    @Test
    void staleCopiesAndDumps_areHigh_freshOnesAreNotReported() {
        InMemoryVault vault = new InMemoryVault();
        DumpManifest m = FakeDumps.take(vault, "orders");
        MutableClock clock = new MutableClock(m.startedAt().plus(Duration.ofHours(30)));
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null));

        List<Auditing.Finding> stale = new Auditing(rds, null, vault, clock).audit(scheduled());
        assertThat(stale)
                .extracting(Auditing.Finding::problem)
                .anyMatch(p -> p.startsWith("no snapshot copy of orders newer than 26 h"))
                .anyMatch(p -> p.startsWith("no good dump of orders newer than 26 h"));

        rds.put(Copies.lifeboatCopy(
                BACKUP, "orders", "lifeboat-orders-x", clock.instant().minus(Duration.ofHours(2))));
        clock.now = m.startedAt().plus(Duration.ofHours(3));
        assertThat(new Auditing(rds, null, vault, clock).audit(scheduled())).isEmpty();
    }

    @Test
    void anAwsManagedKeyWithoutAShareKey_isMedium() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-26T00:00:00Z"));
        InMemoryRds rds = new InMemoryRds(clock);
        InMemoryRds.Key aws = rds.addKey(TestSettings.PROD, "eu-west-1", "aws-rds", true);
        rds.addDatabase(PROD, "orders-prod", "postgres", aws.arn());
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, true, aws.arn()));
        var access = new IamModel().withDefaultPoliciesFor(rds).accessChecks();

        List<Auditing.Finding> f = new Auditing(rds, new Managed(access), null, clock).audit(TestSettings.orders());

        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Auditing.Severity.MEDIUM);
            assertThat(x.problem()).contains("AWS managed key aws/rds");
            assertThat(x.fix()).contains("source.shareKmsKeyArn");
        });
    }

    /** The model's checks, with aws/rds reported as AWS managed (what KMS's DescribeKey says of it). */
    private record Managed(dev.lifeboat.core.port.AccessChecks inner) implements dev.lifeboat.core.port.AccessChecks {
        @Override
        public String reach(String account) {
            return inner.reach(account);
        }

        @Override
        public String describeKey(Location where, String keyArn) {
            return inner.describeKey(where, keyArn);
        }

        @Override
        public String keyManager(Location where, String keyArn) {
            return keyArn.endsWith("/aws-rds") ? "AWS" : "CUSTOMER";
        }

        @Override
        public Answer simulate(String roleArn, String action, String resourceArn, Map<String, List<String>> context) {
            return inner.simulate(roleArn, action, resourceArn, context);
        }

        @Override
        public List<SubnetRoutes> subnets(Location where, List<String> subnetIds) {
            return List.of();
        }

        @Override
        public List<Endpoint> endpoints(Location where, String vpcId) {
            return List.of();
        }

        @Override
        public List<SecurityGroup> securityGroups(Location where, List<String> ids) {
            return List.of();
        }
    }
}
