package dev.lifeboat.core.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.snapshot.Action;
import dev.lifeboat.core.snapshot.CopyingSnapshot;
import dev.lifeboat.core.snapshot.Decision;
import dev.lifeboat.core.snapshot.RunProgress;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a night of 500 databases, modelled. One schedule fires at 02:00; the fan-out spreads the runs over a
 * 4-hour window; each run is the real {@link CopyingSnapshot}, stepped as the state machine steps it (the step
 * function's backoff: a minute after an action, doubling while nothing changes, at most 15 minutes), against the
 * in-memory RDS with RDS's documented limits on copies in progress into one destination Region (20 instance
 * snapshot copies, 5 cluster snapshot copies: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html,
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-copy-snapshot.html), past which it refuses a
 * copy. Snapshots take 10 minutes, copies into the backup Region 15 to 45 minutes. The night must end with every
 * copy available, no copy refused, every run started in its window; how long it took is written to
 * target/fleet-night.json for docs/performance.md.
 */
class FleetNightTest {
    private static final Instant NIGHT = Instant.parse("2026-11-26T02:00:00Z");
    private static final String NIGHTLY = "cron(0 2 * * ? *)";
    private static final int FLEET = Integer.getInteger("lifeboat.fleet", 500);

    private record Tick(Instant at, String database, RunProgress progress, int polls) {}

    @Test
    void fiveHundredDatabases_copyInOneNight_withoutARefusedCopy_underRdsConcurrencyLimits() throws Exception {
        MutableClock clock = new MutableClock(NIGHT.minus(Duration.ofHours(1)));
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addKey("222222222222", "eu-central-1", "backup", false);
        // 100 manual snapshots per Region is RDS's default quota (CHAP_Limits): a fleet's copies need it raised, as
        // lifeboat preflight says; modelled raised here.
        rds.manualQuota = 20_000;
        Map<String, LifeboatConfig.Database> dbs = new LinkedHashMap<>();
        LifeboatConfig.Backup backup = LifeboatConfig.Backup.builder()
                .account("222222222222")
                .region("eu-central-1")
                .kmsKeyArn("arn:aws:kms:eu-central-1:222222222222:key/backup")
                .vaultRetentionDays(35)
                .vaultColdAfterDays(30)
                .build();
        for (int i = 0; i < FLEET; i++) {
            String account = String.format("1%011d", i % 50);
            String region = (i / 50) % 2 == 0 ? "eu-west-1" : "us-east-1";
            boolean cluster = i % 5 == 4;
            String id = "db" + i;
            rds.addDatabase(new Location(account, region), id + "-prod", "postgres", null);
            dbs.put(
                    id,
                    new LifeboatConfig.Database(
                            id,
                            DatabaseEngine.POSTGRESQL,
                            LifeboatConfig.Source.builder()
                                    .account(account)
                                    .region(region)
                                    .kind(cluster ? DbKind.CLUSTER : DbKind.INSTANCE)
                                    .identifier(id + "-prod")
                                    .roleArn("arn:aws:iam::" + account + ":role/lifeboat-source")
                                    .externalId("lifeboat-fleet")
                                    .build(),
                            LifeboatConfig.SnapshotSettings.builder()
                                    .mode(LifeboatConfig.SnapshotSettings.Mode.CREATE)
                                    .copyStrategy(LifeboatConfig.SnapshotSettings.CopyStrategy.SINGLE_STEP)
                                    .build(),
                            LifeboatConfig.Retention.of(7, 0, 0, 0),
                            LifeboatConfig.Schedules.builder()
                                    .snapshot(NIGHTLY)
                                    .maxAge(Duration.ofHours(30))
                                    .window(Duration.ofHours(4))
                                    .build(),
                            null,
                            LifeboatConfig.VerifySettings.defaults()));
        }
        LifeboatConfig config = LifeboatConfig.builder()
                .backup(backup)
                .databases(dbs)
                .document("{}")
                .build();
        Location backupRegion = backup.location();
        // Copies into the backup Region: 15 to 45 minutes, by database; the source snapshot: 10 minutes.
        rds.duration = (where, id) -> where.equals(backupRegion)
                ? Duration.ofMinutes(
                        15 + Math.floorMod(id.replaceAll("-\\d{8}-\\d{4}$", "").hashCode(), 31))
                : Duration.ofMinutes(10);
        CopyingSnapshot copying = new CopyingSnapshot(rds);

        PriorityQueue<Tick> queue = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
        Map<String, Instant> firstStep = new HashMap<>();
        for (FanOut.Run r : FanOut.due(config, FanOut.Job.SNAPSHOT, NIGHTLY, NIGHT)) {
            queue.add(new Tick(r.startAt(), r.databaseId(), RunProgress.START, 0));
        }
        Map<String, Instant> copyStarted = new HashMap<>();
        Map<String, Instant> done = new HashMap<>();
        int refused = 0;
        int steps = 0;
        int mostInstanceCopies = 0;
        int mostClusterCopies = 0;
        while (!queue.isEmpty()) {
            Tick t = queue.poll();
            assertThat(t.at()).as("the night ends within two days").isBefore(NIGHT.plus(Duration.ofDays(2)));
            clock.now = t.at();
            firstStep.putIfAbsent(t.database(), t.at());
            CopyingSnapshot.Result r = copying.advance(config, t.database(), NIGHT, t.progress());
            steps++;
            if (r.message().contains("RDS refused for a quota")) {
                refused++;
            }
            for (Action a : r.executed()) {
                if (a instanceof Action.Copy c && c.where().equals(backupRegion)) {
                    copyStarted.putIfAbsent(t.database(), t.at());
                }
            }
            mostInstanceCopies = Math.max(mostInstanceCopies, rds.copiesInProgress(backupRegion, DbKind.INSTANCE));
            mostClusterCopies = Math.max(mostClusterCopies, rds.copiesInProgress(backupRegion, DbKind.CLUSTER));
            assertThat(r.status()).as(t.database() + ": " + r.message()).isNotEqualTo(Decision.Status.FAILED);
            if (r.status() == Decision.Status.DONE) {
                done.put(t.database(), t.at());
                continue;
            }
            int polls = r.executed().isEmpty() ? t.polls() + 1 : 0;
            long wait = Math.min(60L << Math.min(polls, 10), 900);
            queue.add(new Tick(t.at().plusSeconds(wait), t.database(), r.progress(), polls));
        }

        assertThat(done).hasSize(FLEET);
        assertThat(refused).as("copies RDS refused").isZero();
        assertThat(mostInstanceCopies).isLessThanOrEqualTo(20);
        assertThat(mostClusterCopies).isLessThanOrEqualTo(5);
        assertThat(firstStep.values())
                .as("every run starts in its window")
                .allMatch(at -> !at.isBefore(NIGHT) && at.isBefore(NIGHT.plus(Duration.ofHours(4))));
        Instant last = done.values().stream().max(Instant::compareTo).orElseThrow();
        Instant lastCopyStart =
                copyStarted.values().stream().max(Instant::compareTo).orElseThrow();
        Path out = Path.of("target", "fleet-night.json");
        Files.createDirectories(out.getParent());
        Files.writeString(
                out,
                "{\"databases\": " + FLEET + ", \"windowHours\": 4, \"steps\": " + steps
                        + ", \"lastCopyStartedHours\": "
                        + String.format(
                                java.util.Locale.ROOT,
                                "%.2f",
                                Duration.between(NIGHT, lastCopyStart).toMinutes() / 60.0)
                        + ", \"allDoneHours\": "
                        + String.format(
                                java.util.Locale.ROOT,
                                "%.2f",
                                Duration.between(NIGHT, last).toMinutes() / 60.0)
                        + ", \"mostInstanceCopies\": " + mostInstanceCopies + ", \"mostClusterCopies\": "
                        + mostClusterCopies + ", \"refused\": " + refused + "}\n");
    }
}
