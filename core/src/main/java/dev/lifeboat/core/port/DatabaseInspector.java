package dev.lifeboat.core.port;

import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.ServerInfo;
import dev.lifeboat.core.model.TableRowCount;
import dev.lifeboat.core.model.TableSize;
import java.util.List;

/** Questions Lifeboat asks a live database over a normal connection (JDBC in production). */
public interface DatabaseInspector {

    /** Connects and reads the server's version; the first thing any dump or restore does. */
    ServerInfo serverInfo(DatabaseTarget target);

    /** Row counts of every user table: exact up to {@code exactThreshold} rows, estimates beyond. */
    List<TableRowCount> rowCounts(DatabaseTarget target, long exactThreshold);

    /** Tables, views, sequences and routines the user created in the target database. */
    long userObjectCount(DatabaseTarget target);

    boolean databaseExists(DatabaseTarget target);

    /** Creates {@code target.database()}; fails if it exists. */
    void createDatabase(DatabaseTarget target);

    /**
     * Creates {@code target.database()} already carrying {@code note} (null: none), so that no moment exists at which
     * a kill finds it created but not yet noted as a restore in progress (issue 38's fault matrix found that moment
     * between two statements). By default the note follows the creation; a note that cannot be written is no reason
     * to fail.
     */
    default void createDatabase(DatabaseTarget target, String note) {
        createDatabase(target);
        if (note != null) {
            try {
                noteRestore(target, note);
            } catch (RuntimeException e) {
                // the note is a courtesy to whoever looks; the restore goes on without it
            }
        }
    }

    /**
     * Sets the note of a database a restore created (PostgreSQL: {@code COMMENT ON DATABASE}): INCOMPLETE while the
     * restore runs, what it restored once it finished ({@link dev.lifeboat.core.restore.RestoreNote}).
     */
    void noteRestore(DatabaseTarget target, String note);

    /** The database's comment (PostgreSQL), or empty where it has none. */
    java.util.Optional<String> restoreNote(DatabaseTarget target);

    /**
     * Drops {@code target.database()}: only ever a database that a failed restore created itself moments
     * before (the caller holds that fact); never one that existed before Lifeboat touched it.
     */
    void dropCreatedDatabase(DatabaseTarget target);

    /** Runs a query whose first column of the first row is a number (a verification's SQL assertion). */
    double scalar(DatabaseTarget target, String sql);

    /**
     * Opens a read-only repeatable-read transaction and exports its snapshot ({@code pg_export_snapshot()}),
     * held until {@link SnapshotHold#close()}: every part of a parallel dump reads the database at that one point
     * in time. PostgreSQL only.
     */
    default SnapshotHold exportSnapshot(DatabaseTarget target) {
        throw new UnsupportedOperationException("this inspector cannot export a snapshot");
    }

    /**
     * A snapshot exported as {@link #exportSnapshot} does, when the server has logical decoding on (PostgreSQL with
     * wal_level=logical, not a standby), so that a dump read at it has a place in the change stream (issue 41);
     * otherwise empty.
     */
    default java.util.Optional<SnapshotHold> exportSnapshotForChanges(DatabaseTarget target) {
        return java.util.Optional.empty();
    }

    /** An exported snapshot, valid while its transaction is open. */
    interface SnapshotHold extends AutoCloseable {
        /**
         * Where the snapshot stands in the change stream (logical decoding on): the LSN read before it was taken, the
         * snapshot as {@code txid_current_snapshot()} and the tables' columns it sees; null otherwise.
         */
        default ChangesMark changes() {
            return null;
        }

        /** The id pg_dump's {@code --snapshot} takes. */
        String id();

        /**
         * The ordinary tables as the snapshot sees them (leaf partitions included; no extension's, catalog's or
         * temporary table), largest first: what a parallel dump shares between its parts (issue 13).
         */
        List<TableSize> tables();

        /** The LSN read before the snapshot, the snapshot's transactions, the tables' columns' fingerprint. */
        record ChangesMark(String lsn, String snapshot, String fingerprint) {}

        /** Ends the transaction; the snapshot can no longer be imported. */
        @Override
        void close();
    }
}
