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

    /** This manifest with the dump's binlog position. */
    public DumpManifest withBinlog(Binlog position) {
        return toBuilder().binlog(position).build();
    }

    /** This manifest with the dump's place in the logical change stream (PostgreSQL, issue 41). */
    public DumpManifest withChanges(Changes mark) {
        return toBuilder().changes(mark).build();
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

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this manifest's values, to build one like it with some changed. */
    public Builder toBuilder() {
        return new Builder()
                .manifestVersion(manifestVersion)
                .backupId(backupId)
                .databaseId(databaseId)
                .engine(engine)
                .serverVersion(serverVersion)
                .dumpTool(dumpTool)
                .dumpToolVersion(dumpToolVersion)
                .format(format)
                .startedAt(startedAt)
                .finishedAt(finishedAt)
                .sizeBytes(sizeBytes)
                .sha256(sha256)
                .objectKey(objectKey)
                .objectVersionId(objectVersionId)
                .exactRowCountThreshold(exactRowCountThreshold)
                .tables(tables)
                .compression(compression)
                .parts(parts)
                .writtenBy(writtenBy)
                .binlog(binlog)
                .changes(changes);
    }

    /**
     * Names each value it sets; one left unset is null (or 0): no tables, no parts (one stream), compression not
     * recorded (pg_dump's default level, or gzip level 6), no writer, binlog position or change-stream mark.
     */
    public static final class Builder {
        private int manifestVersion;
        private String backupId;
        private String databaseId;
        private DatabaseEngine engine;
        private String serverVersion;
        private String dumpTool;
        private String dumpToolVersion;
        private String format;
        private Instant startedAt;
        private Instant finishedAt;
        private long sizeBytes;
        private String sha256;
        private String objectKey;
        private String objectVersionId;
        private long exactRowCountThreshold;
        private List<TableRowCount> tables;
        private String compression;
        private List<Part> parts;
        private String writtenBy;
        private Binlog binlog;
        private Changes changes;

        private Builder() {}

        public Builder manifestVersion(int v) {
            manifestVersion = v;
            return this;
        }

        public Builder backupId(String v) {
            backupId = v;
            return this;
        }

        public Builder databaseId(String v) {
            databaseId = v;
            return this;
        }

        public Builder engine(DatabaseEngine v) {
            engine = v;
            return this;
        }

        public Builder serverVersion(String v) {
            serverVersion = v;
            return this;
        }

        public Builder dumpTool(String v) {
            dumpTool = v;
            return this;
        }

        public Builder dumpToolVersion(String v) {
            dumpToolVersion = v;
            return this;
        }

        public Builder format(String v) {
            format = v;
            return this;
        }

        public Builder startedAt(Instant v) {
            startedAt = v;
            return this;
        }

        public Builder finishedAt(Instant v) {
            finishedAt = v;
            return this;
        }

        public Builder sizeBytes(long v) {
            sizeBytes = v;
            return this;
        }

        public Builder sha256(String v) {
            sha256 = v;
            return this;
        }

        public Builder objectKey(String v) {
            objectKey = v;
            return this;
        }

        public Builder objectVersionId(String v) {
            objectVersionId = v;
            return this;
        }

        public Builder exactRowCountThreshold(long v) {
            exactRowCountThreshold = v;
            return this;
        }

        public Builder tables(List<TableRowCount> v) {
            tables = v;
            return this;
        }

        public Builder compression(String v) {
            compression = v;
            return this;
        }

        public Builder parts(List<Part> v) {
            parts = v;
            return this;
        }

        public Builder writtenBy(String v) {
            writtenBy = v;
            return this;
        }

        public Builder binlog(Binlog v) {
            binlog = v;
            return this;
        }

        public Builder changes(Changes v) {
            changes = v;
            return this;
        }

        public DumpManifest build() {
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
                    changes);
        }
    }
}
