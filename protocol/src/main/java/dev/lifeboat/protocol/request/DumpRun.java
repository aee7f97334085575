package dev.lifeboat.protocol.request;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * Dump {@code database}, or {@code databases} one after another (the databases of one source instance: one dump at a
 * time per instance), as part of run {@code runId} when one is given (a schedule's time: the same run asked twice
 * makes one backup). Exactly one of {@code database} and {@code databases}.
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
public record DumpRun(String database, List<String> databases, String runId) implements BackupRequest {
    public DumpRun {
        if (database != null && database.isBlank()) {
            throw new BadRequest("field 'database' is empty", "give a database id");
        }
        if (runId != null && runId.isBlank()) {
            throw new BadRequest("field 'runId' is empty", "leave it out, or give the run's time");
        }
        if (database != null && databases != null) {
            throw new BadRequest(
                    "field 'database' and field 'databases' are both given", "give one: a database id, or a list");
        }
        if (databases != null && databases.isEmpty()) {
            throw new BadRequest("field 'databases' is empty", "give the database ids to dump");
        }
        if (databases != null && databases.stream().anyMatch(id -> id == null || id.isBlank())) {
            throw new BadRequest("field 'databases' holds an empty entry", "give database ids only");
        }
        databases = databases == null ? List.of() : List.copyOf(databases);
        if (database == null && databases.isEmpty()) {
            throw new BadRequest(
                    "field 'database' is missing",
                    "invoke with {\"database\": \"<id>\"} or {\"databases\": [\"<id>\", ...]}");
        }
    }

    /** A run of these databases, in this order. */
    public static DumpRun of(List<String> ids, String runId) {
        return ids.size() == 1 ? new DumpRun(ids.getFirst(), null, runId) : new DumpRun(null, ids, runId);
    }

    /** The databases to dump, in order, each once. */
    @JsonIgnore
    public List<String> ids() {
        if (database != null) {
            return List.of(database);
        }
        List<String> out = new ArrayList<>();
        databases.forEach(id -> {
            if (!out.contains(id)) {
                out.add(id);
            }
        });
        return List.copyOf(out);
    }
}
