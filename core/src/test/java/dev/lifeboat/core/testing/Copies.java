package dev.lifeboat.core.testing;

import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.protocol.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** Snapshot copies as the pipeline leaves them in the backup account: the one builder the tests share. */
public final class Copies {
    private Copies() {}

    /**
     * An available PostgreSQL copy, encrypted with the backup key ({@code key/backup} of that account and Region), named {@code id} of the database {@code databaseId} (source
     * instance {@code <databaseId>-prod}), tagged as Lifeboat's backup of a source snapshot taken at
     * {@code takenAt} (RDS's OriginalSnapshotCreateTime, which copies keep); the copy itself is created 20
     * minutes later.
     */
    public static SnapshotInfo lifeboatCopy(Location where, String databaseId, String id, Instant takenAt) {
        return SnapshotInfo.builder()
                .id(id)
                .arn("arn:aws:rds:" + where.region() + ":" + where.account() + ":snapshot:" + id)
                .location(where)
                .kind(DbKind.INSTANCE)
                .dbIdentifier(databaseId + "-prod")
                .status("available")
                .type("manual")
                .createdAt(takenAt.plus(Duration.ofMinutes(20)))
                .encrypted(true)
                .kmsKeyId("arn:aws:kms:" + where.region() + ":" + where.account() + ":key/backup")
                .tags(Map.of(
                        Tags.MANAGED_BY,
                        "lifeboat",
                        Tags.DATABASE,
                        databaseId,
                        Tags.ROLE,
                        "backup",
                        Tags.SOURCE_SNAPSHOT_TIME,
                        takenAt.toString()))
                .sharedWith(Set.of())
                .engine("postgres")
                .engineVersion("16.4")
                .percentProgress(100)
                .originalCreatedAt(takenAt)
                .build();
    }

    /** The copy most tests use: lifeboat-orders-20261125-0300 of "orders", taken 2026-11-25T03:00:00Z. */
    public static SnapshotInfo ordersCopy(Location where) {
        return lifeboatCopy(where, "orders", "lifeboat-orders-20261125-0300", Instant.parse("2026-11-25T03:00:00Z"));
    }
}
