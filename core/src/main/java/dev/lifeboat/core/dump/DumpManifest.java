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
        String compression,
        List<Part> parts,
        String writtenBy,
        Binlog binlog,
        Changes changes) {

    /**
     * Where the dump stands in the server's binary log (MySQL family, binary logging on; issue 40): the file and
     * position consistent with the data it holds, the source's schema name (the binlog names tables by it), and a
     * moment by which the dump's snapshot was certainly taken (when Lifeboat read the position from the tool's
     * output). A binlog archive replays from here.
     */
    public record Binlog(String file, long position, String schema, Instant snapshotBy) {}

    /**
     * Where a PostgreSQL dump stands in the server's logical change stream (issue 41): {@code lsn}, read before the
     * dump's snapshot was taken (every transaction the snapshot does not see commits after it); {@code snapshot}, that
     * snapshot as {@code txid_current_snapshot()} gives it ({@code xmin:xmax:xip,...}: which transactions it sees);
     * {@code fingerprint}, the tables' columns it saw; and a moment by which it was taken. A change archive replays
     * from here the transactions the snapshot does not see.
     */
    public record Changes(String lsn, String snapshot, String fingerprint, Instant snapshotBy) {}

    /** A manifest without a binlog position. */
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
            List<TableRowCount> tables,
            String compression,
            List<Part> parts,
            String writtenBy) {
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
                compression,
                parts,
                writtenBy,
                null,
                null);
    }

    /** This manifest with the dump's binlog position. */
    public DumpManifest withBinlog(Binlog position) {
        return new DumpManifest(
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
                compression,
                parts,
                writtenBy,
                position,
                changes);
    }

    /** This manifest with the dump's place in the logical change stream (PostgreSQL, issue 41). */
    public DumpManifest withChanges(Changes mark) {
        return new DumpManifest(
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
                compression,
                parts,
                writtenBy,
                binlog,
                mark);
    }

    /** A manifest of one stream ({@code objectKey} holds the whole dump). */
    public static final int CURRENT_VERSION = 1;

    /**
     * A manifest of a parallel dump (issue 13): {@code objectKey} is its schema part, {@code parts} its data parts.
     * A reader that knows only version 1 would restore the schema alone, so the catalog refuses versions it does not
     * know.
     */
    public static final int PARALLEL_VERSION = 2;

    /**
     * A manifest of a dump Lifeboat compressed with zstd ({@code .zst}, issue 13): a reader that knows only versions 1
     * and 2 would load the compressed bytes as SQL, so the catalog refuses versions it does not know.
     */
    public static final int ZSTD_VERSION = 3;

    /** The newest version this build reads. */
    public static final int NEWEST_KNOWN_VERSION = ZSTD_VERSION;

    /** The extension of an object Lifeboat compressed with zstd. */
    public static final String ZSTD_EXTENSION = ".zst";

    /** One data part of a parallel dump: its object, and the size and SHA-256 the manifest vouches for. */
    public record Part(String name, String objectKey, String objectVersionId, long sizeBytes, String sha256) {}

    public DumpManifest {
        tables = tables == null ? List.of() : List.copyOf(tables);
        parts = parts == null ? List.of() : List.copyOf(parts);
    }

    /** A manifest of one stream. */
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
            List<TableRowCount> tables,
            String compression) {
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
                compression,
                List.of(),
                null,
                null,
                null);
    }

    /**
     * A note when the Lifeboat that wrote this backup ({@code writtenBy}, recorded since issue 39) is newer than
     * {@code reader}: empty when it is not, or when either version is unknown. The manifest's own version already
     * refuses what a reader cannot read; this says what it may read without knowing every field.
     */
    public java.util.Optional<String> newerWriterThan(String reader) {
        return dev.lifeboat.core.model.WriterVersion.newerThanReader(writtenBy, reader);
    }

    /** Whether this is a parallel dump: a schema part ({@code objectKey}) and data parts. */
    public boolean parallel() {
        return !parts.isEmpty();
    }

    /** The bytes of every object of the backup. */
    public long totalBytes() {
        return sizeBytes + parts.stream().mapToLong(Part::sizeBytes).sum();
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
                null,
                List.of(),
                null,
                null,
                null);
    }

    public BackupId id() {
        return new BackupId(backupId);
    }

    public boolean gzipped() {
        return objectKey.endsWith(".gz");
    }

    /** Whether Lifeboat compressed the object with zstd. */
    public boolean zstd() {
        return objectKey.endsWith(ZSTD_EXTENSION);
    }
}
