package dev.lifeboat.core.restore;

import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.RdsDatabases;
import dev.lifeboat.core.port.RdsGateway.SourceDatabase;
import java.util.Map;
import java.util.Optional;

/**
 * When a restored database can be used, one observation at a time. An instance: when it is available. An Aurora
 * cluster: RDS restores the cluster alone, accepts its writer instance only once the cluster is available, and
 * the cluster serves nothing until the writer is available too
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBClusterFromSnapshot.html). So for a
 * cluster each observation may take the next step: wait for the cluster, add the writer if it is missing (also
 * after a crash between the two calls), wait for the writer.
 */
public final class RestoredDatabases {
    private RestoredDatabases() {}

    /**
     * One observation.
     *
     * @param ready whether the database serves
     * @param status what it is waiting for, for people
     * @param database the instance or cluster, if it exists (its endpoint once ready)
     */
    public record Readiness(boolean ready, String status, Optional<SourceDatabase> database) {}

    /**
     * Observes {@code identifier} and, for a cluster that is available without its writer, adds the writer, tagged
     * with {@code writerTags}, or with the cluster's own tags when null.
     */
    public static Readiness observe(
            RdsDatabases rds,
            Location where,
            DbKind kind,
            String identifier,
            String writerInstanceClass,
            Map<String, String> writerTags) {
        Optional<SourceDatabase> d = rds.database(where, kind, identifier);
        if (d.isEmpty()) {
            return new Readiness(false, identifier + " does not exist", d);
        }
        if (!d.get().available()) {
            return new Readiness(false, identifier + " is " + d.get().status(), d);
        }
        if (kind == DbKind.INSTANCE) {
            return new Readiness(d.get().endpoint() != null, identifier + " is available", d);
        }
        String writerId = identifier + RdsDatabases.WRITER_SUFFIX;
        Optional<SourceDatabase> writer = rds.database(where, DbKind.INSTANCE, writerId);
        if (writer.isEmpty()) {
            SourceDatabase added = rds.addWriter(
                    where,
                    d.get(),
                    writerInstanceClass,
                    writerTags == null ? d.get().tags() : writerTags);
            return new Readiness(
                    false,
                    "cluster " + identifier + " is available; adding its writer " + writerId + " (" + added.status()
                            + ")",
                    d);
        }
        if (!writer.get().available()) {
            return new Readiness(
                    false, "writer " + writerId + " is " + writer.get().status(), d);
        }
        return new Readiness(d.get().endpoint() != null, identifier + " and its writer are available", d);
    }
}
