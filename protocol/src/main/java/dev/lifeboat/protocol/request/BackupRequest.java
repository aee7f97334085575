package dev.lifeboat.protocol.request;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the backup function is asked, by its schedules, its state machine and by hand: a {@link DumpRun} (dump these
 * databases, as part of this run) or a {@link RouteQuery} (where would a dump of this database run). The function
 * and the dump task read it ({@link #read}); the CDK app writes the state machine's and the schedules' inputs from
 * the same records, so a field cannot be spelled two ways. Whether a database is configured is the reader's to check.
 */
public sealed interface BackupRequest permits DumpRun, RouteQuery {
    /** A payload read strictly: see {@link Requests#backup(JsonNode)}. */
    static BackupRequest read(JsonNode payload) {
        return Requests.backup(payload);
    }
}
