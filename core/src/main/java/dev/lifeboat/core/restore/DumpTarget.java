package dev.lifeboat.core.restore;

import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.DatabaseInspector;
import dev.lifeboat.protocol.Param;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The restore's target database: checked, created when asked, noted complete, removed or left in place on a failure. */
final class DumpTarget {
    private static final Logger LOG = LoggerFactory.getLogger(DumpTarget.class);

    private final DatabaseInspector inspector;
    private final DatabaseTarget target;
    private final DumpManifest manifest;
    private final boolean created;

    private DumpTarget(DatabaseInspector inspector, DatabaseTarget target, DumpManifest manifest, boolean created) {
        this.inspector = inspector;
        this.target = target;
        this.manifest = manifest;
        this.created = created;
    }

    /**
     * The target checked against {@code command} and, when it asks for one, created, noted as holding a restore of
     * {@code manifest} that has not finished (so a restore stopped by kill -9 is recognised and never mistaken for a
     * whole database).
     */
    static DumpTarget prepare(
            DatabaseInspector inspector, Clock clock, RestoringDump.Command command, DumpManifest manifest) {
        DatabaseTarget target = command.target();
        check(inspector, command);
        if (command.createDatabase()) {
            RestoreNote.createIncomplete(
                    inspector,
                    target,
                    manifest.databaseId(),
                    manifest.backupId(),
                    null,
                    "loading the dump",
                    clock.instant());
            return new DumpTarget(inspector, target, manifest, true);
        }
        return new DumpTarget(inspector, target, manifest, false);
    }

    /** True when this restore created the target database (and so may remove it again). */
    boolean created() {
        return created;
    }

    /** The load finished at {@code end}: a database this restore created is noted complete. */
    void complete(Instant end) {
        if (created) {
            RestoreNote.completeCreated(inspector, target, manifest.databaseId(), manifest.backupId(), end);
        }
    }

    /**
     * The load failed: a database this restore created goes; one that existed is never dropped, and {@code failure}'s
     * aftermath says what it may hold ({@code partByPart}: a parallel backup loaded part by part, outside one
     * transaction).
     */
    RuntimeException failed(RuntimeException failure, boolean partByPart) {
        if (created) {
            return removeCreated(target, failure);
        }
        return partByPart ? leftInPlaceAfterParts(target, failure) : leftInPlace(target, failure);
    }

    /**
     * Out of memory, a library that could not load: no message of Lifeboat's can be added to it, but the database
     * this restore created (and holds only part of) still goes.
     */
    void failed(Error fatal) {
        if (created) {
            try {
                inspector.dropCreatedDatabase(target);
                LOG.info("removed database '{}', which this failed restore had created", target.database());
            } catch (RuntimeException e) {
                fatal.addSuppressed(e);
            }
        }
    }

    /** The target database's state against what the command asks for; changes nothing. */
    static void check(DatabaseInspector inspector, RestoringDump.Command command) {
        DatabaseTarget target = command.target();
        boolean exists = inspector.databaseExists(target);
        if (command.createDatabase()) {
            if (exists) {
                java.util.Optional<String> stopped = RestoreNote.leftIncomplete(inspector, target);
                if (stopped.isPresent()) {
                    throw new RefusedException(
                            "target database '" + target.database() + "' on " + target.host() + ":" + target.port()
                                    + " holds a restore that was stopped before it finished (its note: \""
                                    + stopped.get() + "\")",
                            "it holds part of what was asked for: drop it (DROP DATABASE \"" + target.database()
                                    + "\") and restore again, or restore into a new name");
                }
                throw new RefusedException(
                        "target database '" + target.database() + "' already exists on " + target.host() + ":"
                                + target.port(),
                        "leave out " + Param.CREATE + " to restore into it (it must be empty), or name a new database");
            }
            return;
        }
        if (!exists) {
            throw new InvalidInputException(
                    "target database '" + target.database() + "' does not exist on " + target.host() + ":"
                            + target.port(),
                    "pass " + Param.CREATE + " to create it");
        }
        long objects = inspector.userObjectCount(target);
        if (objects > 0 && !command.allowNonEmptyTarget()) {
            throw new RefusedException(
                    "target database '" + target.database() + "' already holds " + objects
                            + " tables, views, sequences or routines; restoring into it could mix or clash with that data",
                    "restore into a new database with " + Param.CREATE + ", or pass " + Param.ALLOW_NON_EMPTY_TARGET
                            + " if you mean to load on top of it"
                            + " (nothing is dropped either way)");
        }
    }

    /** A failed restore into a database it created: the database goes, and the message says so. */
    private RuntimeException removeCreated(DatabaseTarget target, RuntimeException failure) {
        String what = "database '" + target.database() + "' on " + target.host() + ":" + target.port();
        try {
            inspector.dropCreatedDatabase(target);
            LOG.info("removed {}, which this failed restore had created", what);
            return annotate(failure, "the " + what + ", which this restore created, was removed");
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            return annotate(
                    failure,
                    "this restore created the " + what + " and could not remove it (" + e.getMessage()
                            + "); it holds at most part of the dump: drop it before retrying");
        }
    }

    /** A failed restore into a database that existed before: never dropped, and the message says what it may hold. */
    private static RuntimeException leftInPlace(DatabaseTarget target, RuntimeException failure) {
        return annotate(
                failure,
                target.engine().isMysqlFamily()
                        ? "the database '" + target.database()
                                + "' existed before this restore and was not dropped; it may"
                                + " now hold part of the dump (MariaDB/MySQL commit as they load)"
                        : "the database '" + target.database() + "' existed before this restore; the restore ran in one"
                                + " transaction, so it was left as it was");
    }

    private static RuntimeException annotate(RuntimeException failure, String what) {
        if (failure instanceof LifeboatException le) {
            le.withAftermath(what);
        }
        return failure;
    }

    /** A failed parallel restore into a database that existed before: never dropped; it may hold some parts. */
    private static RuntimeException leftInPlaceAfterParts(DatabaseTarget target, RuntimeException failure) {
        return annotate(
                failure,
                "the database '" + target.database() + "' existed before this restore and was not dropped; a parallel"
                        + " backup loads part by part, so it may now hold some of the backup's tables: restore into a"
                        + " new database with " + Param.CREATE + " for all or nothing");
    }
}
