package dev.lifeboat.core.snapshot;

import dev.lifeboat.core.config.LifeboatConfig.Retention;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.protocol.Tags;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Grandfather-father-son retention, in one screen. For each of daily, weekly (ISO weeks), monthly and
 * yearly: keep the newest copy of each of the N most recent periods that have a copy. A copy is kept if
 * any rule keeps it. On top of that, rules that no count overrides:
 * <ul>
 *   <li>only copies Lifeboat made (tag {@code lifeboat:managed-by}) are ever candidates;
 *   <li>when a copy was taken comes from RDS's own timestamps ({@link #takenAt}), never from a tag:
 *       production writes its snapshots' tags, and a forged date would make genuine copies look old;
 *   <li>a copy whose time is after its own creation or in the future is not a candidate, and is reported;
 *   <li>a copy whose data RDS says came from another database than the one its run backed up
 *       ({@link #lineageBroken}) is not a candidate, and is reported;
 *   <li>the {@code daily} newest copies (at least one) and every copy younger than {@link #MINIMUM_AGE}
 *       are kept, whatever the periods say;
 *   <li>a copy a verification run is restoring from is never deleted.
 * </ul>
 * Copies that are not yet available are neither counted nor deleted.
 */
public final class RetentionPolicy {
    /** No copy younger than this is deleted, whatever the counts say. */
    public static final Duration MINIMUM_AGE = Duration.ofHours(24);

    /** RDS's clock and ours may differ a little; more than this is not a clock. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    private RetentionPolicy() {}

    /**
     * What a run keeps and deletes.
     *
     * @param untrusted copies left alone because their times cannot be right, with the reason each
     */
    public record Verdict(List<SnapshotInfo> keep, List<SnapshotInfo> delete, Map<String, String> untrusted) {}

    /**
     * When a copy's data was taken, from what RDS itself records: the OriginalSnapshotCreateTime that every
     * copy of a DB snapshot keeps, else (cluster snapshots) the copy's own creation time, a little later
     * than its source. Never a tag.
     */
    public static Instant takenAt(SnapshotInfo s) {
        return s.originalCreatedAt() != null ? s.originalCreatedAt() : s.createdAt();
    }

    /**
     * Applies the counts and the rules above to one database's copies.
     *
     * @param now the time of the run
     * @param inUse identifiers of copies a verification run is restoring from
     */
    public static Verdict apply(Retention r, List<SnapshotInfo> copies, Instant now, Set<String> inUse) {
        Map<String, String> untrusted = new LinkedHashMap<>();
        List<SnapshotInfo> candidates = copies.stream()
                .filter(SnapshotInfo::managedByLifeboat)
                .filter(SnapshotInfo::available)
                .filter(s -> takenAt(s) != null)
                .filter(s -> {
                    String why = implausible(s, now);
                    if (why != null) {
                        untrusted.put(s.id(), why);
                    }
                    return why == null;
                })
                .sorted(Comparator.comparing(RetentionPolicy::takenAt).reversed())
                .toList();
        Set<SnapshotInfo> keep = new HashSet<>();
        keep.addAll(newestPerPeriod(candidates, r.daily(), d -> d.toString()));
        keep.addAll(newestPerPeriod(
                candidates,
                r.weekly(),
                d -> d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR)));
        keep.addAll(newestPerPeriod(candidates, r.monthly(), d -> d.getYear() + "-" + d.getMonthValue()));
        keep.addAll(newestPerPeriod(candidates, r.yearly(), d -> String.valueOf(d.getYear())));
        keep.addAll(candidates.subList(0, Math.min(candidates.size(), Math.max(1, r.daily()))));
        candidates.stream()
                .filter(s -> takenAt(s).isAfter(now.minus(MINIMUM_AGE)))
                .forEach(keep::add);
        candidates.stream().filter(s -> inUse.contains(s.id())).forEach(keep::add);
        return new Verdict(
                candidates.stream().filter(keep::contains).toList(),
                candidates.stream().filter(s -> !keep.contains(s)).toList(),
                untrusted);
    }

    /**
     * Why a copy is not of the database its run backed up, or null when it is or cannot be told: the run writes, in
     * the backup account, the resource id of the database it backs up ({@link Tags#SOURCE_RESOURCE_ID}); RDS keeps,
     * on every copy, the resource id of the database the data came from. They differ only for a copy of a snapshot
     * someone else made under the run's name (issue 37). Copies made before runs wrote the tag cannot be told.
     */
    public static String lineageBroken(SnapshotInfo s) {
        String runs = s.tags().get(Tags.SOURCE_RESOURCE_ID);
        if (runs == null || s.resourceId() == null || runs.equals(s.resourceId())) {
            return null;
        }
        return "its data is of database " + s.resourceId() + ", but its run backed up " + runs
                + ": a copy of a snapshot someone else made under the run's name";
    }

    /** Why a copy's times or lineage cannot be right, or null when they can. */
    private static String implausible(SnapshotInfo s, Instant now) {
        String lineage = lineageBroken(s);
        if (lineage != null) {
            return lineage;
        }
        Instant taken = takenAt(s);
        if (taken.isAfter(now.plus(SKEW))) {
            return "taken " + taken + ", after now (" + now + ")";
        }
        if (s.createdAt() != null && taken.isAfter(s.createdAt().plus(SKEW))) {
            return "taken " + taken + ", after the copy itself was created (" + s.createdAt() + ")";
        }
        return null;
    }

    /** The newest copy of each of the {@code periods} most recent periods; copies arrive newest first. */
    private static List<SnapshotInfo> newestPerPeriod(
            List<SnapshotInfo> newestFirst, int periods, Function<LocalDate, String> period) {
        Map<String, SnapshotInfo> firstOfPeriod = new LinkedHashMap<>();
        for (SnapshotInfo s : newestFirst) {
            String key = period.apply(LocalDate.ofInstant(takenAt(s), ZoneOffset.UTC));
            if (!firstOfPeriod.containsKey(key)) {
                if (firstOfPeriod.size() == periods) {
                    break;
                }
                firstOfPeriod.put(key, s);
            }
        }
        return List.copyOf(firstOfPeriod.values());
    }
}
