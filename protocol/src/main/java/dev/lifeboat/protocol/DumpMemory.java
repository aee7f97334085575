package dev.lifeboat.protocol;

import java.util.Collection;

/**
 * What a dump holds in memory, so that every JVM that runs one can cap its heap by construction (issue 13): the
 * upload's parts in flight and the one filling, plus a fixed base for everything else (measured,
 * docs/performance.md). {@code bin/lifeboat} computes the same in shell before the JVM starts; the CDK app sets the
 * functions' and the Fargate task's heap from it.
 *
 * <p>One stream keeps {@value #ONE_STREAM_IN_FLIGHT} parts in flight and one filling; a parallel dump of N data parts
 * keeps 1 in flight and 1 filling per data part (pg_dump's compressed output is slower than one part's upload, so N
 * streams then hold about what one stream does), and the schema part, which holds no table data, a buffer that grows
 * only as far as it fills ({@value #SCHEMA_MIB} MiB allowed).
 */
public final class DumpMemory {
    /** The vault's S3 part size by default, MiB. */
    public static final int PART_MIB = 16;

    static final int ONE_STREAM_IN_FLIGHT = 4;
    private static final int ONE_STREAM_BASE_MIB = 80;
    private static final int PARALLEL_BASE_MIB = 48;
    /** The schema part's share: definitions only, kilobytes to a few megabytes. */
    static final int SCHEMA_MIB = 8;

    /** The direct (off-heap) memory the HTTP clients' buffers may take, MiB. */
    public static final int DIRECT_MIB = 64;

    /** When no dump.jobs is configured: the cores available, at most this many (the functions cannot tell at synth). */
    public static final int DEFAULT_JOBS_CAP = 4;

    private DumpMemory() {}

    /** Parts each of a dump's S3 uploads keeps in flight while the next fills. */
    public static int partsInFlight(int jobs) {
        return jobs > 1 ? 1 : ONE_STREAM_IN_FLIGHT;
    }

    /** The heap, MiB, a dump of {@code jobs} parts needs with parts of {@code partMib}. */
    public static int heapMib(int jobs, int partMib) {
        if (jobs < 1 || partMib < 5) {
            throw new IllegalArgumentException("jobs must be at least 1 and parts at least 5 MiB");
        }
        return jobs > 1
                ? PARALLEL_BASE_MIB + SCHEMA_MIB + 2 * jobs * partMib
                : ONE_STREAM_BASE_MIB + (ONE_STREAM_IN_FLIGHT + 1) * partMib;
    }

    /**
     * The heap of a process that dumps the given databases one after another, each with its own jobs, all through one
     * vault whose uploads keep {@link #partsInFlight(int) partsInFlight} of the largest jobs: the largest need.
     */
    public static int heapMib(Collection<Integer> jobs) {
        return heapMib(mostJobs(jobs), PART_MIB);
    }

    /** The largest of the jobs, 1 when there are none. */
    public static int mostJobs(Collection<Integer> jobs) {
        return jobs.stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    /** The JVM options that cap a process's heap and direct memory at {@code heapMib}. */
    public static String javaOptions(int heapMib) {
        return "-Xmx" + heapMib + "m -XX:MaxDirectMemorySize=" + DIRECT_MIB + "m -XX:+UseSerialGC";
    }
}
