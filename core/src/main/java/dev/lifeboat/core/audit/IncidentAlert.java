package dev.lifeboat.core.audit;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Durations;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.snapshot.SnapshotRun;
import dev.lifeboat.protocol.Param;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The alert for a destructive call in production, as it happens (issue 12): which database it hit, and in the same
 * message what to restore from: the newest good snapshot copy and dump of that database, their ages, whether a
 * verification run restored them, and the command that restores. Everything in the message but the call's own
 * fields comes from the backup account (lifeboat.yml, the copies, the vault), so a forged event can name a
 * database but cannot make its backups look fresher than they are.
 */
public final class IncidentAlert {
    /**
     * One call, from the CloudTrail event the source account forwarded: its name ({@code DeleteDBInstance} ...),
     * account, Region, time, caller, the identifier it names (a DB instance, cluster or snapshot; null when the
     * event names none), and AWS's error code when the call was refused (null when it went through).
     */
    public record Incident(
            String eventName,
            String account,
            String region,
            Instant time,
            String actor,
            String identifier,
            String errorCode) {}

    /** The alert: subject (at most 100 characters, SNS's limit) and body. */
    public record Alert(String subject, String message, String databaseId) {}

    private final NewestBackups newest;
    private final Clock clock;

    public IncidentAlert(NewestBackups newest, Clock clock) {
        this.newest = newest;
        this.clock = clock;
    }

    public Alert of(LifeboatConfig config, Incident incident) {
        Optional<LifeboatConfig.Database> db = database(config, incident);
        String what = describe(incident);
        String where = incident.account() + "/" + incident.region();
        List<String> lines = new ArrayList<>();
        boolean refused = incident.errorCode() != null;
        lines.add((refused ? "Attempted and refused (" + incident.errorCode() + "): " : "") + what + " in " + where
                + " at " + incident.time() + " by " + incident.actor() + " (" + incident.eventName() + ").");
        String subject;
        if (db.isEmpty()) {
            lines.add("Lifeboat does not protect " + (incident.identifier() == null ? "it" : incident.identifier())
                    + ": no database of lifeboat.yml has that identifier in " + where + ". Its data is only in what"
                    + " production kept.");
            subject = "Lifeboat: " + (refused ? "attempted " : "") + incident.eventName() + " of an unprotected"
                    + " database in " + where;
        } else {
            LifeboatConfig.Database d = db.get();
            NewestBackups.Newest b = newest.of(config, d.id());
            Instant now = clock.instant();
            lines.add("Lifeboat protects it as " + d.id() + ". Its backups in the backup account ("
                    + config.backup().account() + "/" + config.backup().region() + ") are out of production's reach:");
            lines.add("  newest good snapshot copy: "
                    + (b.copy() == null
                            ? "none"
                            : b.copy().snapshotId() + ", taken " + b.copy().takenAt() + " ("
                                    + Durations.human(Duration.between(b.copy().takenAt(), now)) + " ago)"
                                    + (b.copy().verified() ? ", verified by a restore" : "")));
            lines.add("  newest good dump: "
                    + (b.dump() == null
                            ? "none"
                            : b.dump().backupId() + ", taken " + b.dump().takenAt() + " ("
                                    + Durations.human(Duration.between(b.dump().takenAt(), now)) + " ago)"
                                    + (b.dump().verified() ? ", verified by a restore" : "")));
            lines.add("  last verification that passed: "
                    + (b.lastVerified() == null ? "none" : b.lastVerified().toString()));
            b.problems().forEach(p -> lines.add("  (" + p + ")"));
            if (b.copy() != null) {
                lines.add("Restore with: "
                        + Param.command(
                                "restore",
                                Param.CONFIG,
                                "lifeboat.yml",
                                Param.DATABASE,
                                d.id(),
                                Param.FROM,
                                "snapshot",
                                Param.BACKUP,
                                "latest",
                                Param.TARGET_INSTANCE,
                                d.source().identifier() + "-restored",
                                Param.DRY_RUN)
                        + ", then without " + Param.DRY_RUN.flag() + " (docs/runbook.md)");
            }
            if (b.dump() != null) {
                lines.add((b.copy() == null ? "Restore with" : "Or from the dump")
                        + ": "
                        + Param.command(
                                "restore",
                                Param.CONFIG,
                                "lifeboat.yml",
                                Param.DATABASE,
                                d.id(),
                                Param.FROM,
                                "dump",
                                Param.BACKUP,
                                "latest",
                                Param.TARGET,
                                "URL",
                                Param.CREATE,
                                Param.DRY_RUN)
                        + " (docs/runbook.md)");
            }
            if (b.copy() == null && b.dump() == null) {
                lines.add("No backup of " + d.id() + " is in the backup account. Ask AWS Support now about the"
                        + " automated backups (docs/runbook.md), and keep what production still has.");
            }
            subject = "Lifeboat: " + (refused ? "attempted " : "") + incident.eventName() + " of " + d.id() + " in "
                    + where;
        }
        return new Alert(
                subject.length() > 100 ? subject.substring(0, 100) : subject,
                String.join("\n", lines),
                db.map(LifeboatConfig.Database::id).orElse(null));
    }

    private static String describe(Incident i) {
        String id = i.identifier() == null ? "a database" : i.identifier();
        return switch (i.eventName()) {
            case "DeleteDBInstance", "DeleteDBCluster" -> id + " was deleted";
            case "ModifyDBInstance", "ModifyDBCluster" -> "deletion protection of " + id + " was turned off";
            case "DeleteDBSnapshot", "DeleteDBClusterSnapshot" -> "the Lifeboat snapshot " + id + " was deleted";
            case "StopDBInstanceAutomatedBackupsReplication" ->
                "the cross-Region replication of the automated backups of " + id + " was stopped";
            default -> i.eventName() + " on " + id;
        };
    }

    /**
     * The configured database the call names: an instance or cluster by its identifier; a Lifeboat snapshot by
     * the database its name carries ({@code lifeboat-<database-id>-...}); in the call's own account and Region.
     */
    static Optional<LifeboatConfig.Database> database(LifeboatConfig config, Incident i) {
        if (i.identifier() == null) {
            return Optional.empty();
        }
        Location at = new Location(i.account(), i.region());
        String name = identifierOf(i.identifier());
        Optional<String> snapshotOf = i.eventName().contains("Snapshot")
                ? Optional.of(SnapshotRun.databaseOf(name).orElse(""))
                : Optional.empty();
        boolean cluster = i.eventName().contains("Cluster");
        return config.databases().values().stream()
                .filter(d -> d.source().account().equals(at.account())
                        && d.source().region().equals(at.region()))
                .filter(d -> snapshotOf.isPresent()
                        ? snapshotOf.get().equals(SnapshotRun.safe(d.id()))
                        : d.source().identifier().equals(name) && (d.source().kind() == DbKind.CLUSTER) == cluster)
                .findFirst();
    }

    /** The identifier of an ARN ({@code arn:aws:rds:R:A:db:ID}) or the identifier itself. */
    static String identifierOf(String idOrArn) {
        return idOrArn.startsWith("arn:") ? idOrArn.substring(idOrArn.lastIndexOf(':') + 1) : idOrArn;
    }
}
