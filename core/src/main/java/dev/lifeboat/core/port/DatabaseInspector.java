package dev.lifeboat.core.port;

import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.ServerInfo;
import dev.lifeboat.core.model.TableRowCount;
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
     * Drops {@code target.database()}: only ever a database that a failed restore created itself moments
     * before (the caller holds that fact); never one that existed before Lifeboat touched it.
     */
    void dropCreatedDatabase(DatabaseTarget target);

    /** Runs a query whose first column of the first row is a number (a verification's SQL assertion). */
    double scalar(DatabaseTarget target, String sql);
}
