package dev.lifeboat.core.model;

import dev.lifeboat.protocol.Tags;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * What RDS says of one DB snapshot or DB cluster snapshot.
 *
 * @param status RDS's status: "creating", "copying", "available", "failed", ...
 * @param type "manual", "automated" or "shared"
 * @param createdAt the snapshot's creation time (SnapshotCreateTime); null while RDS has none yet
 * @param kmsKeyId null for an unencrypted snapshot
 * @param sharedWith accounts the snapshot's "restore" attribute names
 */
public record SnapshotInfo(
        String id,
        String arn,
        Location location,
        DbKind kind,
        String dbIdentifier,
        String status,
        String type,
        Instant createdAt,
        boolean encrypted,
        String kmsKeyId,
        Map<String, String> tags,
        Set<String> sharedWith,
        String engine,
        String engineVersion,
        int percentProgress) {

    public SnapshotInfo {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        sharedWith = sharedWith == null ? Set.of() : Set.copyOf(sharedWith);
    }

    public boolean available() {
        return "available".equals(status);
    }

    public boolean failed() {
        return "failed".equals(status) || "incompatible-restore".equals(status) || "error".equals(status);
    }

    public boolean managedByLifeboat() {
        return "lifeboat".equals(tags.get(Tags.MANAGED_BY));
    }
}
