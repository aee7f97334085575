package dev.lifeboat.core.binlog;

import dev.lifeboat.core.model.BinlogPosition;
import java.time.Instant;

/**
 * The manifest of one archived stretch of a server's binary log, written after its object and never overwritten: the
 * object holds the magic number, a format description and the server's events from {@code start} to {@code end} of
 * {@code file}, byte for byte (so {@code mariadb-binlog}/{@code mysqlbinlog} read it as a binlog file). A segment ends
 * only between transactions. {@code nextFile} is set when it ends with the server's rotate to that file. {@code
 * follows}, on a file's first segment, names where the file before it ended when that file ended without a rotate
 * (the server crashed): the chain goes on from there to here. {@code firstEventAt} and {@code lastEventAt} are the
 * earliest and latest stamps of its events (a statement is stamped when it began, so stamps are not in binlog order).
 *
 * <p>{@code completeUpTo}: the moment up to which the archive, with this segment, certainly holds every transaction that
 * committed: the server's position sampled at the cut before, which this segment reached, less a margin; null where
 * the streamer was behind it (or the manifest predates the field). Never when the segment was written: a streamer
 * catching up writes old events now.
 */
public record Segment(
        int manifestVersion,
        String databaseId,
        long serverId,
        String serverVersion,
        String file,
        long start,
        long end,
        String nextFile,
        Instant firstEventAt,
        Instant lastEventAt,
        int events,
        long sizeBytes,
        String sha256,
        String objectKey,
        String objectVersionId,
        Instant writtenAt,
        String writtenBy,
        BinlogPosition follows,
        Instant completeUpTo) {

    public static final int CURRENT_VERSION = 1;

    public BinlogPosition from() {
        return new BinlogPosition(file, start);
    }

    /** Where the next segment starts: this one's end, or the start of the file the server rotated to. */
    public BinlogPosition continuesAt() {
        return nextFile == null ? new BinlogPosition(file, end) : BinlogPosition.startOf(nextFile);
    }

    /** Whether {@code p} lies in this segment ({@code start <= p < end} in its file, or exactly its end). */
    public boolean holds(BinlogPosition p) {
        return p.file().equals(file) && p.position() >= start && p.position() <= end;
    }
}
