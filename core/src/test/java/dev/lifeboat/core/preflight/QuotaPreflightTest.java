package dev.lifeboat.core.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.testing.Copies;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.testing.TestSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a fleet's copies against RDS's manual snapshot quota (100 per Region by default, CHAP_Limits): preflight
 * says before the first night that retention needs more room than the quota gives, and how much to ask for.
 */
class QuotaPreflightTest {
    private static LifeboatConfig fleet(int n) {
        return fleet(n, "cron(0 2 * * ? *)");
    }

    private static LifeboatConfig fleet(int n, String snapshotSchedule) {
        LifeboatConfig c = TestSettings.orders();
        LifeboatConfig.Database d = c.database("orders");
        Map<String, LifeboatConfig.Database> dbs = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            dbs.put(
                    "db" + i,
                    new LifeboatConfig.Database(
                            "db" + i,
                            d.engine(),
                            d.source(),
                            d.snapshot(),
                            LifeboatConfig.Retention.of(7, 4, 0, 0),
                            LifeboatConfig.Schedules.builder()
                                    .snapshot(snapshotSchedule)
                                    .maxAge(Duration.ofHours(30))
                                    .build(),
                            d.dump(),
                            d.verify()));
        }
        return LifeboatConfig.builder()
                .backup(c.backup())
                .databases(dbs)
                .document("{}")
                .build();
    }

    @Test
    void aFleetWhoseRetentionOutgrowsTheQuota_isTold_howMuchToAskFor() {
        InMemoryRds rds = new InMemoryRds(new MutableClock(Instant.parse("2026-11-26T00:00:00Z")));
        rds.put(Copies.ordersCopy(new Location(TestSettings.BACKUP, "eu-central-1")));

        var small = new Preflight(null, rds).quotas(fleet(8));
        assertThat(small).singleElement().satisfies(c -> {
            assertThat(c.ok()).isTrue();
            assertThat(c.what())
                    .isEqualTo("room for 96 manual INSTANCE snapshots in 222222222222/eu-central-1"
                            + " (retention keeps 88, a run adds 8)");
            assertThat(c.detail()).isEqualTo("quota 100, 1 used");
        });

        var big = new Preflight(null, rds).quotas(fleet(50));
        assertThat(big).singleElement().satisfies(c -> {
            assertThat(c.ok()).isFalse();
            assertThat(c.detail())
                    .isEqualTo("the quota is 100: ask AWS Support (Service Quotas, Amazon RDS, \"Manual DB instance"
                            + " snapshots\") for at least 600");
        });

        rds.manualQuota = 1_000;
        assertThat(new Preflight(null, rds).quotas(fleet(50))).allMatch(Preflight.Check::ok);
        assertThat(new Preflight(null, rds).quotas(fleet(50)))
                .noneMatch(c -> c.what().contains(DbKind.CLUSTER.name()));
    }

    @Test
    void hourlyCopies_countEveryCopyOfTheLastDay_whichRetentionNeverDeletes() {
        InMemoryRds rds = new InMemoryRds(new MutableClock(Instant.parse("2026-11-26T00:00:00Z")));

        // Two databases copied hourly: 11 a day's retention each, plus 23 more of the last day each.
        assertThat(new Preflight(null, rds).quotas(fleet(2, "cron(5 * * * ? *)")))
                .singleElement()
                .satisfies(c -> assertThat(c.what()).contains("room for 70 ").contains("retention keeps 68"));
        assertThat(new Preflight(null, rds).quotas(fleet(2, "rate(6 hours)")))
                .singleElement()
                .satisfies(c -> assertThat(c.what()).contains("retention keeps 28"));
        assertThat(new Preflight(null, rds).quotas(fleet(4, "cron(5 * * * ? *)")))
                .singleElement()
                .satisfies(c -> assertThat(c.ok()).isFalse());
    }
}
