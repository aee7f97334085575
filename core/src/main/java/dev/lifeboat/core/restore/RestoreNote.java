package dev.lifeboat.core.restore;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.DatabaseInspector;
import java.time.Instant;
import java.util.Optional;

/**
 * The note a restore leaves on a database it created (PostgreSQL's database comment, MariaDB's schema comment): INCOMPLETE from the moment it
 * creates it until the last step succeeds, then what it restored. A restore that fails while Lifeboat runs removes the
 * database it created; one that is killed (SIGKILL, the out-of-memory killer, a container stop) leaves the database
 * behind, holding a dump without its changes or part of a dump, and this note says so to whoever looks ({@code \l+}),
 * and to the next restore into that name, which refuses with what to do.
 */
public final class RestoreNote {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RestoreNote.class);
    static final String INCOMPLETE = "lifeboat: INCOMPLETE restore";

    private RestoreNote() {}

    /** Whether the engine keeps a database comment (PostgreSQL; MariaDB from 10.5; MySQL has none). */
    static boolean kept(DatabaseTarget target) {
        return target.engine() != DatabaseEngine.MYSQL;
    }

    /** The note while a restore runs: what it restores, to when, since when, and what to do if it is still there. */
    static String incomplete(String databaseId, String backupId, Instant moment, String step, Instant startedAt) {
        return INCOMPLETE + " of " + databaseId + " from backup " + backupId
                + (moment == null ? "" : " to " + moment) + " (" + step + "), started " + startedAt
                + "; if this note is still here, that restore was stopped before it finished: drop this database and"
                + " restore again";
    }

    static String complete(String databaseId, String backupId, Instant moment, Instant finishedAt) {
        return "lifeboat: restore of " + databaseId + " from backup " + backupId
                + (moment == null ? "" : " to " + moment) + ", finished " + finishedAt;
    }

    /** Writes the note where the engine keeps one; a note is never worth failing a restore for. */
    public static void write(DatabaseInspector inspector, DatabaseTarget target, String note) {
        if (!kept(target)) {
            return;
        }
        try {
            inspector.noteRestore(target, note);
        } catch (RuntimeException e) {
            LOG.warn("could not note the restore's state on {}: {}", target.describe(), e.getMessage());
        }
    }

    /** Creates the target database with its INCOMPLETE note in place from the start (where the engine keeps one). */
    public static void createIncomplete(
            DatabaseInspector inspector,
            DatabaseTarget target,
            String databaseId,
            String backupId,
            Instant moment,
            String step,
            Instant now) {
        inspector.createDatabase(target, kept(target) ? incomplete(databaseId, backupId, moment, step, now) : null);
    }

    public static void incomplete(
            DatabaseInspector inspector,
            DatabaseTarget target,
            String databaseId,
            String backupId,
            Instant moment,
            String step,
            Instant now) {
        write(inspector, target, incomplete(databaseId, backupId, moment, step, now));
    }

    public static void complete(
            DatabaseInspector inspector,
            DatabaseTarget target,
            String databaseId,
            String backupId,
            Instant moment,
            Instant now) {
        write(inspector, target, complete(databaseId, backupId, moment, now));
    }

    /**
     * As {@link #complete(DatabaseInspector, DatabaseTarget, String, String, Instant, Instant)}, for a database the
     * restore created (and so may note): a failure is the restore's, so that its cleanup removes the database rather
     * than leave a whole one still noted INCOMPLETE (RestoreTaskFaultsIT, SIGTERM as the restore finished).
     */
    static void completeCreated(
            DatabaseInspector inspector, DatabaseTarget target, String databaseId, String backupId, Instant now) {
        if (kept(target)) {
            inspector.noteRestore(target, complete(databaseId, backupId, null, now));
        }
    }

    /** The INCOMPLETE note a stopped restore left on the target, if it holds one. */
    static Optional<String> leftIncomplete(DatabaseInspector inspector, DatabaseTarget target) {
        if (!kept(target)) {
            return Optional.empty();
        }
        return inspector.restoreNote(target).filter(n -> n.startsWith(INCOMPLETE));
    }
}
