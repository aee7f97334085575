package dev.lifeboat.core.snapshot;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One run of the pipeline for one database: deterministic snapshot identifiers from (database id,
 * scheduled time), so invoking the same run twice finds the first invocation's snapshots instead of
 * making new ones.
 */
public record SnapshotRun(String databaseId, Instant scheduledAt) {
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);

    /** The run's base name, a valid RDS snapshot identifier: a letter first, no '--', no trailing '-'. */
    public String baseName() {
        return "lifeboat-" + safe(databaseId) + "-" + STAMP.format(scheduledAt);
    }

    /** The database id as it appears in snapshot names: lower case, runs of other characters as one '-'. */
    public static String safe(String databaseId) {
        return databaseId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    }

    private static final java.util.regex.Pattern NAME =
            java.util.regex.Pattern.compile("lifeboat-(.+)-\\d{8}-\\d{4}(-[a-z0-9-]+)?");

    /** The database part of a run's snapshot name ({@link #safe} of its id), if the name is one of a run's. */
    public static java.util.Optional<String> databaseOf(String snapshotId) {
        java.util.regex.Matcher m = NAME.matcher(snapshotId);
        return m.matches() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    /** The run's manual snapshot in the source account (created, or copied from an automated one). */
    public String sourceId() {
        return baseName();
    }

    /** The source snapshot re-encrypted with the share key, in the source account. */
    public String shareId() {
        return baseName() + "-share";
    }

    /** The two-step copy's first hop: the backup account, in the source region. */
    public String stagingId() {
        return baseName() + "-staging";
    }

    /** The copy that is the backup: the backup account, in the backup region. */
    public String finalId() {
        return baseName();
    }

    public String runTag() {
        return databaseId + "@" + scheduledAt;
    }
}
