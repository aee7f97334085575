package dev.lifeboat.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.testing.TestSettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The daily digest stays a message SNS takes (256 KiB, a subject of 100 characters) whatever the fleet's size. */
class DailyDigestTest {
    @Test
    void aFleetOfFiveThousandDatabases_withAFindingEach_fitsOneSnsMessage_andSaysWhatItLeftOut() {
        LifeboatConfig one = TestSettings.orders();
        LifeboatConfig.Database d = one.database("orders");
        Map<String, LifeboatConfig.Database> many = new LinkedHashMap<>();
        List<Auditing.Finding> findings = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            String id = "database-with-a-rather-long-name-" + i;
            many.put(
                    id,
                    new LifeboatConfig.Database(
                            id,
                            d.engine(),
                            d.source(),
                            d.snapshot(),
                            d.retention(),
                            d.schedules(),
                            d.dump(),
                            d.verify()));
            findings.add(new Auditing.Finding(
                    Auditing.Kind.STALE_COPY,
                    Auditing.Severity.HIGH,
                    new Location(TestSettings.PROD, "eu-west-1"),
                    id,
                    "no snapshot copy of " + id + " newer than 26 h",
                    "lifeboat snapshot --config lifeboat.yml --database " + id + " --wait"));
        }
        LifeboatConfig fleet = LifeboatConfig.builder()
                .backup(one.backup())
                .databases(many)
                .document("{}")
                .build();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T08:00:00Z"));

        NewestBackups newest = new NewestBackups(new InMemoryVault(), new InMemoryRds(clock), clock);
        java.util.Map<String, NewestBackups.Newest> read = new java.util.HashMap<>();
        fleet.databases().keySet().forEach(id -> read.put(id, newest.of(fleet, id)));
        DailyDigest.Message m = DailyDigest.of(fleet, new Auditing.Report(findings, read), clock);

        assertThat(m.subject()).hasSizeLessThanOrEqualTo(100).startsWith("Lifeboat daily: 5000 databases, 5000 high");
        assertThat(m.body().getBytes(StandardCharsets.UTF_8).length).isLessThan(256 * 1024);
        assertThat(m.body())
                .containsPattern("\\.\\.\\. and \\d+ more databases")
                .contains("database-with-a-rather-long-name-0 (");
    }
}
