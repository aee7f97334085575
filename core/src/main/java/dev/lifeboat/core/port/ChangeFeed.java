package dev.lifeboat.core.port;

import dev.lifeboat.core.model.DatabaseTarget;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A PostgreSQL server's logical change stream, read through a replication slot of Lifeboat's own with wal2json
 * (issue 41), and its replay into a target.
 */
public interface ChangeFeed {

    /** The server as the streamer needs to know it: which one it is and whether it can feed a slot safely. */
    record Server(
            String systemId,
            String version,
            String walLevel,
            long maxSlotWalKeepSizeMb,
            boolean inRecovery,
            int versionNum) {
        /** A standby before PostgreSQL 16, which decodes nothing: logical decoding runs on its primary only. */
        public boolean standbyWithoutDecoding() {
            return inRecovery && versionNum < 160000;
        }
    }

    Server server(DatabaseTarget source);

    /**
     * What a stream of the source's database needs of the server and what logical decoding would leave out of it,
     * read without changing anything (no slot is made).
     *
     * @param replicationRefused why a replication connection (the protocol the stream reads) was refused, or null
     *     where one opened: pg_hba.conf and the REPLICATION attribute (RDS: rds_replication) decide it
     * @param slotsFree replication slots the server can still make ({@code max_replication_slots} less those made)
     * @param sendersFree WAL senders free ({@code max_wal_senders} less those running)
     * @param idleSlotTimeout {@code idle_replication_slot_timeout} (PostgreSQL 18), or null where the server has none
     * @param withoutIdentity tables whose updates and deletes the stream cannot carry (no primary key or replica
     *     identity)
     * @param unlogged unlogged tables: not in the WAL, so in no stream
     * @param largeObjects large objects in the database: not in the WAL's logical decoding
     */
    record Readiness(
            String replicationRefused,
            int slotsFree,
            int sendersFree,
            String idleSlotTimeout,
            List<String> withoutIdentity,
            List<String> unlogged,
            long largeObjects) {}

    Readiness readiness(DatabaseTarget source);

    /** A replication slot as the server shows it; {@code lost}: the server invalidated it (its WAL passed the bound). */
    record Slot(String name, String plugin, String database, long confirmedFlush, boolean active, boolean lost) {}

    Optional<Slot> slot(DatabaseTarget source, String name);

    /** Creates a logical slot with wal2json in the source's database; its consistent point. */
    long createSlot(DatabaseTarget source, String name);

    /** Drops Lifeboat's slot (its retained WAL passed the bound). */
    void dropSlot(DatabaseTarget source, String name);

    /** The server's WAL kept for the slot, in bytes (its lag behind the server's present position). */
    long retainedBytes(DatabaseTarget source, String name);

    /** Reads the slot from {@code from}: each of wal2json's lines (format 2) of committed transactions, in order. */
    Stream stream(DatabaseTarget source, String slot, long from) throws IOException;

    interface Stream extends AutoCloseable {
        /** The next line, or empty when none came within {@code wait}. */
        Optional<byte[]> next(Duration wait) throws IOException;

        /** The server's position as its last message (a line or a keepalive) said it. */
        long lastReceived();

        /** Tells the server everything up to {@code lsn} is kept: it may recycle the WAL before it. */
        void confirm(long lsn) throws IOException;

        @Override
        void close();
    }

    /**
     * What a segment's manifest records of the source when the streamer cuts it: each sequence's value, the tables'
     * columns as a fingerprint, and the tables whose updates and deletes logical decoding cannot carry.
     */
    record State(Map<String, Long> sequences, String fingerprint, List<String> withoutIdentity) {}

    State state(DatabaseTarget source);

    /**
     * Where the server's WAL stands now, and when by the server's clock: every transaction that committed before
     * {@code at} has its commit at or before {@code lsn} (a commit is stamped just before its record is written, so a
     * margin covers the instant between), and an archive read up to {@code lsn} holds every one of them.
     */
    record Position(long lsn, java.time.Instant at) {}

    Position position(DatabaseTarget source);

    /** Refuses, before anything is loaded, a target the replay could not apply changes to as they were made. */
    void checkCanApply(DatabaseTarget target);

    /**
     * What a replay did: the changes it was given, the updates it left out because a later update of the same row
     * replaced them whole, and the windows of changes it applied one at a time in the source's order (their grouped
     * form conflicted).
     */
    record Applied(long changes, long superseded, int windowsInOrder) {}

    /**
     * Applies wal2json's change lines (inserts, updates, deletes, truncates) to {@code target} in one transaction,
     * then sets each sequence to at least {@code sequences}' value: all of them, or none.
     */
    Applied apply(DatabaseTarget target, Iterator<byte[]> changes, Map<String, Long> sequences, Duration timeout);
}
