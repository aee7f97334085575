package dev.lifeboat.core.changes;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The manifest of one archived stretch of a PostgreSQL database's logical change stream (issue 41), written after its
 * object and never overwritten. The object holds wal2json's lines (format 2) of whole committed transactions, in
 * commit order, exactly as the server sent them. {@code startLsn} is where the stretch begins (the end of the segment
 * before it, or of a slot's creation or a gap's resumption), {@code endLsn} where it ends: the position the streamer
 * confirmed to the server only after this manifest was written. A segment with no transaction (an idle stretch) has no
 * object; it says the server was read up to {@code endLsn} at {@code writtenAt}.
 *
 * <p>{@code sequences} are every sequence's value as the streamer read it when it cut the segment (at or after its
 * last commit: never behind it); {@code fingerprint} is the tables' columns then; {@code withoutIdentity} the tables
 * whose updates and deletes logical decoding does not carry (no primary key, no replica identity).
 *
 * <p>{@code completeUpTo}: the moment up to which the archive, with this segment, certainly holds every commit: the
 * server's position sampled at the cut before, which this segment reached, less a margin; null where the streamer was
 * behind that position (or the manifest predates the field), and then only the segment's last commit counts. A
 * restore to a moment and the recovery point rest on it, never on when the segment was written (found by a hostile
 * review: a streamer catching up wrote segments "now" that held commits from hours ago).
 */
public record ChangeSegment(
        int manifestVersion,
        String databaseId,
        String systemId,
        String slot,
        String startLsn,
        String endLsn,
        Instant firstCommitAt,
        Instant lastCommitAt,
        int transactions,
        long changes,
        long sizeBytes,
        String sha256,
        String objectKey,
        String objectVersionId,
        Instant writtenAt,
        String writtenBy,
        Map<String, Long> sequences,
        String fingerprint,
        List<String> withoutIdentity,
        Instant completeUpTo) {

    public static final int CURRENT_VERSION = 1;

    public ChangeSegment {
        sequences = sequences == null ? Map.of() : Map.copyOf(sequences);
        withoutIdentity = withoutIdentity == null ? List.of() : List.copyOf(withoutIdentity);
    }

    public long start() {
        return Lsn.parse(startLsn);
    }

    public long end() {
        return Lsn.parse(endLsn);
    }

    public boolean empty() {
        return transactions == 0;
    }
}
