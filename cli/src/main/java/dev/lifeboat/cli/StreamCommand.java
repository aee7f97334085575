package dev.lifeboat.cli;

import dev.lifeboat.core.binlog.StreamingBinlog;
import dev.lifeboat.core.changes.StreamingChanges;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Durations;
import dev.lifeboat.core.port.Vault;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "stream",
        mixinStandardHelpOptions = true,
        description = {
            "Archive a MySQL or MariaDB server's binary log, or a PostgreSQL database's committed changes (logical"
                    + " decoding with wal2json, through a replication slot named lifeboat_<id>), into the vault as"
                    + " they are written, for restores to any moment (restore --from dump --to-time).",
            "Runs until stopped (Ctrl-C, SIGTERM) or for --for; started again, it continues where the vault's archive"
                    + " ends, with no hole and no event twice. Needs binary logging on with binlog_format=ROW, and a"
                    + " user with the REPLICATION SLAVE and BINLOG MONITOR (MariaDB) or REPLICATION CLIENT (MySQL)"
                    + " privileges; PostgreSQL needs wal_level=logical (RDS: rds.logical_replication=1), a bounded"
                    + " max_slot_wal_keep_size and a user with REPLICATION (RDS: rds_replication).",
            "Every dump of the database taken while this runs can start a restore to a moment after it."
        },
        footer = {
            "",
            "Examples:",
            "  MYSQL_PWD=... lifeboat stream --source mariadb://repl@db:3306/orders --vault file:./vault --database orders",
            "  lifeboat stream --secret-id prod/orders --vault s3://acme-lifeboat-vault --database orders --for 10m",
            "  PGPASSWORD=... lifeboat stream --source postgresql://lifeboat@db:5432/shop --vault file:./vault"
        })
final class StreamCommand implements Callable<Integer> {
    private final Context context;

    @Option(
            names = "--source",
            paramLabel = "URL",
            description = "mariadb://USER@HOST:PORT/DB, mysql://... or postgresql://...; the password comes from"
                    + " MYSQL_PWD or ~/.my.cnf (PGPASSWORD or ~/.pgpass), never the URL. The database named is the one"
                    + " its dumps hold; for MySQL the archive keeps the whole server's binlog")
    String source;

    @Option(
            names = "--secret-id",
            paramLabel = "ID",
            description = "instead of --source: a Secrets Manager secret in the RDS format")
    String secretId;

    @Option(
            names = "--database",
            paramLabel = "ID",
            description = "the database's id in the vault (default: the database name); its dumps carry the same id")
    String id;

    @Option(
            names = "--for",
            paramLabel = "DURATION",
            description = "stop after this long, e.g. 90s, 10m, 2h (default: run until stopped)")
    String forHowLong;

    @Option(
            names = "--segment-seconds",
            paramLabel = "S",
            defaultValue = "10",
            description = "cut a segment at the first transaction's end after this many seconds (default:"
                    + " ${DEFAULT-VALUE}): the recovery point if the streamer's machine is lost")
    long segmentSeconds;

    @Option(
            names = "--segment-mib",
            paramLabel = "MIB",
            defaultValue = "64",
            description = "or after this many MiB (default: ${DEFAULT-VALUE})")
    long segmentMib;

    @Mixin
    VaultOptions vault;

    StreamCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        DatabaseTarget target = context.database("--source", source, "--secret-id", secretId);
        if (segmentSeconds < 1 || segmentSeconds > 3600 || segmentMib < 1 || segmentMib > 4096) {
            throw new InvalidInputException("--segment-seconds must be 1 to 3600 and --segment-mib 1 to 4096");
        }
        Duration limit = forHowLong == null ? null : duration(forHowLong);
        Vault v = vault.open(context.aws(), context.clock());
        if (target.engine() == DatabaseEngine.POSTGRESQL) {
            return streamChanges(target, v, limit);
        }
        StreamingBinlog streaming = new StreamingBinlog(
                v,
                context.tools().binlogs(),
                context.clock(),
                new StreamingBinlog.Settings(
                        Duration.ofSeconds(segmentSeconds),
                        segmentMib << 20,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30)));
        long until = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        String databaseId = id == null ? target.database() : id;
        context.err()
                .println("lifeboat: archiving the binlog of " + target.describe() + " as " + databaseId + " into "
                        + v.describe() + (limit == null ? " until stopped" : " for " + Durations.human(limit)));
        StreamingBinlog.Summary s =
                streaming.run(databaseId, target, () -> Lifeboat.signalled() || System.nanoTime() - until >= 0);
        context.out()
                .printf(
                        "archived %d segments (%d events, %s) of %s%s; %s%s%n",
                        s.segments(),
                        s.events(),
                        Sizes.human(s.bytes()),
                        databaseId,
                        s.lastSegment()
                                .map(l -> ", up to " + l.continuesAt() + " (last event " + l.lastEventAt() + ")")
                                .orElse(""),
                        s.interruptions() == 0
                                ? "no interruptions"
                                : s.interruptions() + " interruptions, each resumed",
                        s.gaps() == 0 ? "" : "; " + s.gaps() + " GAP(S) marked: take a dump now to restore past them");
        return s.gaps() == 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    /** PostgreSQL: the logical change stream through Lifeboat's own slot (issue 41). */
    private int streamChanges(DatabaseTarget target, Vault v, Duration limit) {
        StreamingChanges streaming = new StreamingChanges(
                v,
                context.changeFeed(),
                context.clock(),
                new StreamingChanges.Settings(
                        Duration.ofSeconds(segmentSeconds),
                        segmentMib << 20,
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30)));
        long until = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
        String databaseId = id == null ? target.database() : id;
        context.err()
                .println("lifeboat: archiving the changes of " + target.describe() + " as " + databaseId + " (slot "
                        + StreamingChanges.slotName(databaseId) + ") into " + v.describe()
                        + (limit == null ? " until stopped" : " for " + Durations.human(limit)));
        StreamingChanges.Summary s =
                streaming.run(databaseId, target, () -> Lifeboat.signalled() || System.nanoTime() - until >= 0);
        context.out()
                .printf(
                        "archived %d segments (%d transactions, %s) of %s%s; %s%s%n",
                        s.segments(),
                        s.transactions(),
                        Sizes.human(s.bytes()),
                        databaseId,
                        s.lastSegment()
                                .map(l -> ", up to " + l.endLsn()
                                        + (l.lastCommitAt() == null ? "" : " (last commit " + l.lastCommitAt() + ")"))
                                .orElse(""),
                        s.interruptions() == 0
                                ? "no interruptions"
                                : s.interruptions() + " interruptions, each resumed",
                        s.gaps() == 0 ? "" : "; " + s.gaps() + " GAP(S) marked: take a dump now to restore past them");
        return s.gaps() == 0 ? ExitCode.OK : ExitCode.FAILED;
    }

    private static Duration duration(String text) {
        String t = text.trim();
        if (t.matches("[0-9]{1,7}s")) {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            if (n > 0) {
                return Duration.ofSeconds(n);
            }
        }
        return Durations.parse(t, "--for");
    }
}
