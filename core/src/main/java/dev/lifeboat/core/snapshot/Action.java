package dev.lifeboat.core.snapshot;

import dev.lifeboat.core.model.Location;
import java.util.Map;

/** One step the planner asks for. Each is idempotent: "already exists" counts as done. */
public sealed interface Action {

    /** CreateDBSnapshot / CreateDBClusterSnapshot in the source account. */
    record CreateSource(Location where, String dbIdentifier, String snapshotId, Map<String, String> tags)
            implements Action {}

    /** Copy a snapshot (automated to manual, re-encryption, cross-account, cross-region). */
    record Copy(
            Location where,
            String sourceArn,
            String sourceRegion,
            String targetId,
            String kmsKeyId,
            String optionGroup,
            Map<String, String> tags,
            Purpose purpose)
            implements Action {}

    /** Add the backup account to the snapshot's "restore" attribute. */
    record Share(Location where, String snapshotId, String account) implements Action {}

    /** Delete an intermediate or a failed copy (only snapshots this run made). */
    record Delete(Location where, String snapshotId, String why) implements Action {}

    /** Why a copy is made; also tells the driver which copies may fall back to two steps. */
    enum Purpose {
        AUTOMATED_TO_MANUAL,
        REENCRYPT_WITH_SHARE_KEY,
        INTO_BACKUP_SINGLE_STEP,
        INTO_STAGING,
        STAGING_TO_BACKUP
    }
}
