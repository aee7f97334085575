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
        String safe = databaseId
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        return "lifeboat-" + safe + "-" + STAMP.format(scheduledAt);
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
