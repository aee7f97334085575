package dev.lifeboat.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.config.LifeboatConfig.Retention;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.CopyStrategy;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.Mode;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.TestSettings;
import dev.lifeboat.protocol.Tags;
import java.time.Clock;
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
    private final InMemoryRds rds = new InMemoryRds(Clock.systemUTC());
    private final LifeboatConfig config =
            TestSettings.pipeline(TestSettings.BACKUP, Mode.CREATE, CopyStrategy.AUTO, SnapshotPipelineTest.SHARE_KEY);

    private static SnapshotInfo copy(LocalDate day, Map<String, String> extraTags) {
        Instant at = day.atTime(3, 0).toInstant(ZoneOffset.UTC);
        Map<String, String> tags = new HashMap<>(Map.of(
                Tags.MANAGED_BY,
                "lifeboat",
                Tags.DATABASE,
                "orders",
                Tags.ROLE,
                "backup",
                Tags.SOURCE_SNAPSHOT_TIME,
                at.toString()));
        tags.putAll(extraTags);
        String id = "lifeboat-orders-" + day.toString().replace("-", "") + "-0300";
        return new SnapshotInfo(
                id,
                "arn:aws:rds:eu-central-1:222222222222:snapshot:" + id,
                VAULT,
                DbKind.INSTANCE,
                "orders-prod",
                "available",
                "manual",
                at.plusSeconds(1800),
                true,
                "k",
                tags,
                Set.of(),
                "postgres",
                "16",
                100);
    }

    @Test
    void fourHundredDaysOfDailyRuns_underGfs7_4_12_3_keepExactlyTheExpectedSet() {
        PruningSnapshots pruning = new PruningSnapshots(rds);
        LocalDate first = LocalDate.of(2025, 1, 1);
        for (int d = 0; d < 400; d++) {
            rds.put(copy(first.plusDays(d), Map.of()));
            pruning.prune(config, "orders", false); // every day, after the day's copy, as the schedule does
        }

        List<String> kept = rds.all(VAULT).stream()
                .map(SnapshotInfo::id)
                .map(id -> id.substring(16, 24))
                .sorted()
                .toList();

        // daily 7: Jan 29 to Feb 4 2026; weekly 4 (ISO weeks, newest of each): Feb 4, Feb 1, Jan 25, Jan 18;
        // monthly 12 (newest of each month): Feb 4 2026 back to Mar 31 2025; yearly 3: Feb 4 2026, Dec 31 2025.
        assertThat(kept)
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

    @Test
    void theNewestCopy_andACopyInUseByAVerification_areNeverDeleted() {
        Retention nothingWanted = new Retention(0, 0, 0, 1);
        SnapshotInfo inUse = copy(LocalDate.of(2024, 6, 1), Map.of(Tags.VERIFICATION_IN_USE, "run-7"));
        SnapshotInfo older = copy(LocalDate.of(2025, 5, 1), Map.of());
        SnapshotInfo newest = copy(LocalDate.of(2025, 6, 1), Map.of());

        RetentionPolicy.Verdict v = RetentionPolicy.apply(nothingWanted, List.of(inUse, older, newest));

        assertThat(v.keep()).containsExactlyInAnyOrder(newest, inUse);
        assertThat(v.delete()).containsExactly(older);
    }

    @Test
    void snapshotsLifeboatDidNotMake_orNotYetAvailable_areNeverCandidates() {
        SnapshotInfo foreign = copy(LocalDate.of(2020, 1, 1), Map.of(Tags.MANAGED_BY, "someone-else"));
        SnapshotInfo a = copy(LocalDate.of(2025, 6, 1), Map.of());
        SnapshotInfo copying = new SnapshotInfo(
                "c",
                "arn:c",
                VAULT,
                DbKind.INSTANCE,
                "orders-prod",
                "creating",
                "manual",
                null,
                true,
                "k",
                a.tags(),
                Set.of(),
                "postgres",
                "16",
                40);

        RetentionPolicy.Verdict v = RetentionPolicy.apply(new Retention(1, 0, 0, 0), List.of(foreign, a, copying));

        assertThat(v.delete()).isEmpty();
        assertThat(v.keep()).containsExactly(a);
    }

    @Test
    void dryRun_reportsWhatItWouldDelete_andDeletesNothing() {
        for (int d = 1; d <= 10; d++) {
            rds.put(copy(LocalDate.of(2025, 3, d), Map.of()));
        }

        PruningSnapshots.Result r = new PruningSnapshots(rds).prune(config, "orders", true);

        // daily keeps Mar 4-10; weekly adds Mar 2 (newest of ISO week 9); monthly and yearly keep Mar 10.
        assertThat(r.deleted())
                .extracting(SnapshotInfo::id)
                .containsExactlyInAnyOrder("lifeboat-orders-20250301-0300", "lifeboat-orders-20250303-0300");
        assertThat(rds.all(VAULT)).hasSize(10);
        assertThat(rds.calls).noneMatch(c -> c.startsWith("delete"));
    }
}
