package dev.lifeboat.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.config.LifeboatConfig.Retention;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.CopyStrategy;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.Mode;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.testing.TestSettings;
import dev.lifeboat.protocol.Tags;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
    private static final Location VAULT = new Location("222222222222", "eu-central-1");
    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T04:00:00Z"));
    private final InMemoryRds rds = new InMemoryRds(clock);
    private final LifeboatConfig config =
            TestSettings.pipeline(TestSettings.BACKUP, Mode.CREATE, CopyStrategy.AUTO, SnapshotPipelineTest.SHARE_KEY);

    /**
     * A copy as RDS describes it: the source taken at 03:00 of {@code day} (OriginalSnapshotCreateTime, which
     * copies keep), the copy created at 03:30; the source-time tag says {@code taggedTime} (production writes
     * its snapshots' tags, so this is the value an attacker controls).
     */
    private static SnapshotInfo copy(LocalDate day, String taggedTime, Map<String, String> extraTags) {
        Instant at = day.atTime(3, 0).toInstant(ZoneOffset.UTC);
        Map<String, String> tags = new HashMap<>(Map.of(
                Tags.MANAGED_BY,
                "lifeboat",
                Tags.DATABASE,
                "orders",
                Tags.ROLE,
                "backup",
                Tags.SOURCE_SNAPSHOT_TIME,
                taggedTime == null ? at.toString() : taggedTime));
        tags.putAll(extraTags);
        String id = "lifeboat-orders-" + day.toString().replace("-", "") + "-0300";
        return SnapshotInfo.builder()
                .id(id)
                .arn("arn:aws:rds:eu-central-1:222222222222:snapshot:" + id)
                .location(VAULT)
                .kind(DbKind.INSTANCE)
                .dbIdentifier("orders-prod")
                .status("available")
                .type("manual")
                .createdAt(at.plusSeconds(1800))
                .encrypted(true)
                .kmsKeyId("k")
                .tags(tags)
                .sharedWith(Set.of())
                .engine("postgres")
                .engineVersion("16")
                .percentProgress(100)
                .originalCreatedAt(at)
                .build();
    }

    private static SnapshotInfo copy(LocalDate day) {
        return copy(day, null, Map.of());
    }

    /** 400 daily runs: each day's copy, then that day's retention run at 04:00; the ids kept, as yyyyMMdd. */
    private List<String> fourHundredDays(String forgedTimeForTheLast14) {
        PruningSnapshots pruning = new PruningSnapshots(rds, clock);
        LocalDate first = LocalDate.of(2025, 1, 1);
        for (int d = 0; d < 400; d++) {
            LocalDate day = first.plusDays(d);
            clock.now = day.atTime(4, 0).toInstant(ZoneOffset.UTC);
            rds.put(copy(day, d >= 386 ? forgedTimeForTheLast14 : null, Map.of()));
            pruning.prune(config, "orders", false);
        }
        return rds.all(VAULT).stream()
                .map(SnapshotInfo::id)
                .map(id -> id.substring(16, 24))
                .sorted()
                .toList();
    }

    /** A copy of an hourly run (issue 41's tier 1): its source taken at {@code at}, the copy made 20 minutes later. */
    private static SnapshotInfo hourly(Instant at) {
        String id = new SnapshotRun("orders", at).baseName();
        return SnapshotInfo.builder()
                .id(id)
                .arn("arn:aws:rds:eu-central-1:222222222222:snapshot:" + id)
                .location(VAULT)
                .kind(DbKind.INSTANCE)
                .dbIdentifier("orders-prod")
                .status("available")
                .type("manual")
                .createdAt(at.plusSeconds(1200))
                .encrypted(true)
                .kmsKeyId("k")
                .tags(Map.of(Tags.MANAGED_BY, "lifeboat", Tags.DATABASE, "orders", Tags.ROLE, "backup"))
                .sharedWith(Set.of())
                .engine("postgres")
                .engineVersion("16")
                .percentProgress(100)
                .originalCreatedAt(at)
                .build();
    }

    @Test
    void hourlyRunsForTwentyDays_keepEveryCopyOfTheLastDay_andTheNewestOfEachDayBeyond_withinTheBrake() {
        PruningSnapshots pruning = new PruningSnapshots(rds, clock);
        Instant first = Instant.parse("2025-03-01T00:05:00Z");
        int deletedMost = 0;
        for (int h = 0; h < 20 * 24; h++) {
            Instant taken = first.plus(Duration.ofHours(h));
            clock.now = taken.plus(Duration.ofMinutes(30));
            rds.put(hourly(taken));
            // The brake (3 a run) fails a run that would delete more: hourly aging stays under it (a day's end
            // aging out of the daily tier as an hour's copy ages past the day makes two).
            PruningSnapshots.Result run = pruning.prune(config, "orders", false);
            deletedMost = Math.max(deletedMost, run.deleted().size());
        }
        Instant now = clock.now;
        List<Instant> kept =
                rds.all(VAULT).stream().map(RetentionPolicy::takenAt).sorted().toList();

        assertThat(deletedMost).isBetween(1, Retention.DEFAULT_MAX_DELETES_PER_RUN);
        assertThat(kept.stream().filter(t -> t.isAfter(now.minus(RetentionPolicy.MINIMUM_AGE))))
                .as("every copy of the last 24 hours: the recovery point is an hour over the whole day")
                .hasSize(24);
        java.util.Map<LocalDate, List<Instant>> olderByDay = kept.stream()
                .filter(t -> !t.isAfter(now.minus(RetentionPolicy.MINIMUM_AGE)))
                .collect(java.util.stream.Collectors.groupingBy(t -> LocalDate.ofInstant(t, ZoneOffset.UTC)));
        olderByDay.forEach((day, copies) -> assertThat(copies)
                .as("beyond a day, one copy per day, the day's last: " + day)
                .containsExactly(day.atTime(23, 5).toInstant(ZoneOffset.UTC)));
        assertThat(olderByDay.keySet())
                .as("the daily tier (7) reaches back a week; the weekly and monthly tiers keep older day ends")
                .containsAll(java.util.stream.IntStream.rangeClosed(1, 6)
                        .mapToObj(d -> LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(d))
                        .toList());
    }

    @Test
    void fourHundredDaysOfDailyRuns_underGfs7_4_12_3_keepExactlyTheExpectedSet() {
        // daily 7: Jan 29 to Feb 4 2026; weekly 4 (ISO weeks, newest of each): Feb 4, Feb 1, Jan 25, Jan 18;
        // monthly 12 (newest of each month): Feb 4 2026 back to Mar 31 2025; yearly 3: Feb 4 2026, Dec 31 2025.
        assertThat(fourHundredDays(null))
                .containsExactly(
                        "20250331",
                        "20250430",
                        "20250531",
                        "20250630",
                        "20250731",
                        "20250831",
                        "20250930",
                        "20251031",
                        "20251130",
                        "20251231",
                        "20260118",
                        "20260125",
                        "20260129",
                        "20260130",
                        "20260131",
                        "20260201",
                        "20260202",
                        "20260203",
                        "20260204");
    }

    /**
     * Regression (issue 11, item 1): the source-time tag, which production writes, decided when a copy was
     * taken. Sources tagged with future times made genuine copies look old: after 14 such runs, 0 of the 19
     * genuine copies were kept. RDS's own timestamps decide now; the forgery changes nothing.
     */
    @Test
    void forgedSourceTimes_changeNothing_retentionKeepsWhatItKeepsWithoutThem() {
        List<String> genuine = fourHundredDays(null);
        rds.all(VAULT).forEach(s -> rds.delete(VAULT, DbKind.INSTANCE, s.id()));

        assertThat(fourHundredDays("2031-01-01T00:00:00Z")).isEqualTo(genuine).hasSize(19);
    }

    @Test
    void aCopyWhoseTimesCannotBeRight_isLeftAlone_andReported_andDisplacesNothing() {
        clock.now = Instant.parse("2025-06-10T04:00:00Z");
        for (int d = 1; d <= 10; d++) {
            rds.put(copy(LocalDate.of(2025, 6, d)));
        }
        SnapshotInfo g = copy(LocalDate.of(2025, 6, 9));
        SnapshotInfo fromTheFuture = SnapshotInfo.builder()
                .id("lifeboat-orders-odd")
                .arn("arn:odd")
                .location(VAULT)
                .kind(DbKind.INSTANCE)
                .dbIdentifier("orders-prod")
                .status("available")
                .type("manual")
                .createdAt(g.createdAt())
                .encrypted(true)
                .kmsKeyId("k")
                .tags(g.tags())
                .sharedWith(Set.of())
                .engine("postgres")
                .engineVersion("16")
                .percentProgress(100)
                .originalCreatedAt(Instant.parse("2030-01-01T00:00:00Z"))
                .build();
        rds.put(fromTheFuture);

        PruningSnapshots.Result r = new PruningSnapshots(rds, clock).prune(TestSettings.orders(), "orders", false, 10);

        assertThat(r.untrusted()).containsOnlyKeys("lifeboat-orders-odd");
        assertThat(r.untrusted().get("lifeboat-orders-odd")).contains("after now");
        assertThat(r.kept())
                .extracting(SnapshotInfo::id)
                .doesNotContain("lifeboat-orders-odd")
                .hasSize(7);
        assertThat(rds.all(VAULT)).extracting(SnapshotInfo::id).contains("lifeboat-orders-odd");
    }

    @Test
    void theNewestCopies_theYoungOnes_andACopyAVerificationIsRestoringFrom_areNeverDeleted() {
        Retention oneDaily = Retention.of(1, 0, 0, 0);
        SnapshotInfo inUse = copy(LocalDate.of(2024, 6, 1));
        SnapshotInfo older = copy(LocalDate.of(2025, 5, 1));
        SnapshotInfo yesterday = copy(LocalDate.of(2025, 6, 1));
        SnapshotInfo newest = copy(LocalDate.of(2025, 6, 2));
        Instant now = Instant.parse("2025-06-02T12:00:00Z");

        RetentionPolicy.Verdict v =
                RetentionPolicy.apply(oneDaily, List.of(inUse, older, yesterday, newest), now, Set.of(inUse.id()));

        // newest: the daily count; yesterday 03:00 is 33 h old, so only the newest is young.
        assertThat(v.keep()).containsExactlyInAnyOrder(newest, inUse);
        assertThat(v.delete()).containsExactlyInAnyOrder(older, yesterday);

        RetentionPolicy.Verdict young = RetentionPolicy.apply(
                oneDaily, List.of(yesterday, newest), Instant.parse("2025-06-02T02:00:00Z"), Set.of());
        assertThat(young.delete()).as("both younger than a day").isEmpty();
    }

    /** Regression (issue 11, item 3): the in-use tag was never written. The mark is now on the instance. */
    @Test
    void aRunningVerificationInstance_keepsTheCopyItWasRestoredFrom_throughARealRetentionRun() {
        clock.now = Instant.parse("2025-06-20T04:00:00Z");
        for (int d = 1; d <= 10; d++) {
            rds.put(copy(LocalDate.of(2025, 6, d)));
        }
        rds.restore(
                VAULT,
                DbKind.INSTANCE,
                new RdsGateway.RestoreSpec(
                        "lifeboat-orders-20250601-0300",
                        "lifeboat-verify-orders-x",
                        "postgres",
                        "db.t4g.micro",
                        null,
                        List.of(),
                        null,
                        null,
                        false,
                        false,
                        Map.of(Tags.VERIFICATION, "x", Tags.VERIFYING_COPY, "lifeboat-orders-20250601-0300")));

        new PruningSnapshots(rds, clock).prune(TestSettings.orders(), "orders", false, 10);

        assertThat(rds.all(VAULT))
                .extracting(SnapshotInfo::id)
                .contains("lifeboat-orders-20250601-0300")
                .doesNotContain("lifeboat-orders-20250602-0300");
    }

    @Test
    void theBrake_aRunThatWouldDeleteManyCopies_deletesNone_andSaysHowToConfirm() {
        clock.now = Instant.parse("2025-07-01T04:00:00Z");
        for (int d = 1; d <= 30; d++) {
            rds.put(copy(LocalDate.of(2025, 6, d)));
        }
        PruningSnapshots pruning = new PruningSnapshots(rds, clock);

        // TestSettings.orders keeps 7 daily copies: 23 of 30 would go at once.
        assertThatThrownBy(() -> pruning.prune(TestSettings.orders(), "orders", false))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("would delete 23 copies at once")
                .hasMessageContaining("nothing was deleted")
                .satisfies(e -> assertThat(((RefusedException) e).hint()).contains("--allow-deletes 23"));
        assertThat(rds.all(VAULT)).hasSize(30);
        assertThat(rds.calls).noneMatch(c -> c.startsWith("delete"));

        PruningSnapshots.Result dry = pruning.prune(TestSettings.orders(), "orders", true);
        assertThat(dry.braked()).isTrue();
        assertThat(rds.all(VAULT)).hasSize(30);

        PruningSnapshots.Result confirmed = pruning.prune(TestSettings.orders(), "orders", false, 23);
        assertThat(confirmed.deleted()).hasSize(23);
        clock.advance(Duration.ofDays(1));
        rds.put(copy(LocalDate.of(2025, 7, 1)));
        assertThat(pruning.prune(TestSettings.orders(), "orders", false).deleted())
                .as("the next normal run ages one copy out, within the brake")
                .hasSize(1);
    }

    @Test
    void snapshotsLifeboatDidNotMake_orNotYetAvailable_areNeverCandidates() {
        SnapshotInfo foreign = copy(LocalDate.of(2020, 1, 1), null, Map.of(Tags.MANAGED_BY, "someone-else"));
        SnapshotInfo a = copy(LocalDate.of(2025, 6, 1));
        SnapshotInfo copying = SnapshotInfo.builder()
                .id("c")
                .arn("arn:c")
                .location(VAULT)
                .kind(DbKind.INSTANCE)
                .dbIdentifier("orders-prod")
                .status("creating")
                .type("manual")
                .encrypted(true)
                .kmsKeyId("k")
                .tags(a.tags())
                .sharedWith(Set.of())
                .engine("postgres")
                .engineVersion("16")
                .percentProgress(40)
                .build();

        RetentionPolicy.Verdict v = RetentionPolicy.apply(
                Retention.of(1, 0, 0, 0),
                List.of(foreign, a, copying),
                Instant.parse("2025-07-01T00:00:00Z"),
                Set.of());

        assertThat(v.delete()).isEmpty();
        assertThat(v.keep()).containsExactly(a);
    }

    @Test
    void dryRun_reportsWhatItWouldDelete_andDeletesNothing() {
        clock.now = Instant.parse("2025-03-10T04:00:00Z");
        for (int d = 1; d <= 10; d++) {
            rds.put(copy(LocalDate.of(2025, 3, d)));
        }

        PruningSnapshots.Result r = new PruningSnapshots(rds, clock).prune(config, "orders", true);

        // daily keeps Mar 4-10; weekly adds Mar 2 (newest of ISO week 9); monthly and yearly keep Mar 10.
        assertThat(r.deleted())
                .extracting(SnapshotInfo::id)
                .containsExactlyInAnyOrder("lifeboat-orders-20250301-0300", "lifeboat-orders-20250303-0300");
        assertThat(rds.all(VAULT)).hasSize(10);
        assertThat(rds.calls).noneMatch(c -> c.startsWith("delete"));
    }

    /**
     * Two retention runs at once (the schedule and an operator's {@code lifeboat prune}), with a new copy arriving
     * between their listings: the first lists, the second runs whole, then the first deletes what it planned, some
     * of it already gone. Neither fails, and together they keep exactly what one run on the final state keeps.
     */
    @Test
    void twoRunsAtOnce_withACopyArrivingBetween_keepWhatOneRunKeeps_andNeitherFails() {
        clock.now = Instant.parse("2025-03-10T04:00:00Z");
        for (int d = 1; d <= 10; d++) {
            rds.put(copy(LocalDate.of(2025, 3, d)));
        }
        InMemoryRds expected = new InMemoryRds(clock);
        rds.all(VAULT).forEach(expected::put);
        expected.put(copy(LocalDate.of(2025, 3, 11)));
        new PruningSnapshots(expected, clock).prune(config, "orders", false);

        boolean[] interleaved = {false};
        InMemoryRds racing = new InMemoryRds(clock) {
            @Override
            public synchronized List<SnapshotInfo> snapshots(Location where, DbKind kind, String dbIdentifier) {
                List<SnapshotInfo> listed = super.snapshots(where, kind, dbIdentifier);
                if (!interleaved[0]) {
                    interleaved[0] = true;
                    put(copy(LocalDate.of(2025, 3, 11)));
                    new PruningSnapshots(this, clock).prune(config, "orders", false);
                }
                return listed;
            }
        };
        rds.all(VAULT).forEach(racing::put);

        PruningSnapshots.Result first = new PruningSnapshots(racing, clock).prune(config, "orders", false);

        assertThat(interleaved[0]).isTrue();
        assertThat(first.deleted()).isNotEmpty();
        assertThat(racing.all(VAULT))
                .extracting(SnapshotInfo::id)
                .containsExactlyInAnyOrderElementsOf(
                        expected.all(VAULT).stream().map(SnapshotInfo::id).toList());
    }
}
