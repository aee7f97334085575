package dev.lifeboat.core.dump;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.TableRowCount;
import java.time.Instant;
import java.util.List;

/**
 * The record of one logical backup, written to the vault after the dump object is complete. Its
 * presence is what makes a backup exist: a dump object without a manifest is an aborted attempt.
 */
public record DumpManifest(
        int manifestVersion,
        String backupId,
        String databaseId,
        DatabaseEngine engine,
        String serverVersion,
        String dumpTool,
        String dumpToolVersion,
        String format,
        Instant startedAt,
        Instant finishedAt,
        long sizeBytes,
        String sha256,
        String objectKey,
        String objectVersionId,
        long exactRowCountThreshold,
        List<TableRowCount> tables,
        String compression) {

    public static final int CURRENT_VERSION = 1;

    public DumpManifest {
        tables = tables == null ? List.of() : List.copyOf(tables);
    }

    /** A manifest of before compression was recorded (pg_dump's default level, or gzip level 6). */
    public DumpManifest(
            int manifestVersion,
            String backupId,
            String databaseId,
            DatabaseEngine engine,
            String serverVersion,
            String dumpTool,
            String dumpToolVersion,
            String format,
            Instant startedAt,
            Instant finishedAt,
            long sizeBytes,
            String sha256,
            String objectKey,
            String objectVersionId,
            long exactRowCountThreshold,
            List<TableRowCount> tables) {
        this(
                manifestVersion,
                backupId,
                databaseId,
                engine,
                serverVersion,
                dumpTool,
                dumpToolVersion,
                format,
                startedAt,
                finishedAt,
                sizeBytes,
                sha256,
                objectKey,
                objectVersionId,
                exactRowCountThreshold,
                tables,
                null);
    }

    public BackupId id() {
        return new BackupId(backupId);
    }

    public boolean gzipped() {
        return objectKey.endsWith(".gz");
    }
}
