package dev.lifeboat.core.dump;

import dev.lifeboat.core.model.TableSize;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How a parallel dump shares a database's tables between its data parts (issue 13): largest table first, each to
 * the part with the fewest bytes so far (the longest-processing-time rule), so the parts finish close together. Part
 * 0 dumps everything the other parts do not name (its own tables, and large objects, sequence values and whatever
 * else one stream would carry); parts 1 and on dump exactly their tables.
 */
public final class ParallelPlan {
    private ParallelPlan() {}

    /** The tables of each data part; one part (no parallelism) when there are fewer than two tables or jobs. */
    public static List<List<TableSize>> parts(List<TableSize> tables, int jobs) {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1");
        }
        int n = Math.min(jobs, tables.size());
        if (n < 2) {
            return List.of(List.copyOf(tables));
        }
        List<TableSize> largestFirst = new ArrayList<>(tables);
        largestFirst.sort(Comparator.comparingLong(TableSize::bytes)
                .reversed()
                .thenComparing(TableSize::schema)
                .thenComparing(TableSize::table));
        List<List<TableSize>> parts = new ArrayList<>();
        long[] bytes = new long[n];
        for (int i = 0; i < n; i++) {
            parts.add(new ArrayList<>());
        }
        for (TableSize t : largestFirst) {
            int least = 0;
            for (int i = 1; i < n; i++) {
                if (bytes[i] < bytes[least]) {
                    least = i;
                }
            }
            parts.get(least).add(t);
            bytes[least] += Math.max(t.bytes(), 1);
        }
        return parts.stream().map(List::copyOf).toList();
    }

    /** The tables part 0 leaves out: those of every other part. */
    public static List<TableSize> leftOutOfPartZero(List<List<TableSize>> parts) {
        return parts.stream().skip(1).flatMap(List::stream).toList();
    }
}
