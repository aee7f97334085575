package dev.lifeboat.core.snapshot;

import dev.lifeboat.core.config.LifeboatConfig.Retention;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.protocol.Tags;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
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
 * any rule keeps it. On top of that, three rules that no count overrides:
 * <ul>
 *   <li>only copies Lifeboat made (tag {@code lifeboat:managed-by}) are ever candidates;
 *   <li>the newest available copy is never deleted;
 *   <li>a copy a verification run is using (tag {@code lifeboat:verification-in-use}) is never deleted.
 * </ul>
 * Copies that are not yet available are neither counted nor deleted.
 */
public final class RetentionPolicy {
    private RetentionPolicy() {}

    public record Verdict(List<SnapshotInfo> keep, List<SnapshotInfo> delete) {}

    /** When a copy was taken: its source snapshot's time where tagged, else its own creation time. */
    public static Instant takenAt(SnapshotInfo s) {
        String tagged = s.tags().get(Tags.SOURCE_SNAPSHOT_TIME);
        if (tagged != null) {
            try {
                return Instant.parse(tagged);
            } catch (DateTimeParseException ignored) {
                // fall back to the creation time
            }
        }
        return s.createdAt();
    }

    public static Verdict apply(Retention r, List<SnapshotInfo> copies) {
        List<SnapshotInfo> candidates = copies.stream()
                .filter(SnapshotInfo::managedByLifeboat)
                .filter(SnapshotInfo::available)
                .filter(s -> takenAt(s) != null)
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
        if (!candidates.isEmpty()) {
            keep.add(candidates.getFirst());
        }
        candidates.stream()
                .filter(s -> s.tags().containsKey(Tags.VERIFICATION_IN_USE))
                .forEach(keep::add);
        return new Verdict(
                candidates.stream().filter(keep::contains).toList(),
                candidates.stream().filter(s -> !keep.contains(s)).toList());
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
