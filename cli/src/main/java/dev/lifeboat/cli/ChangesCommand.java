package dev.lifeboat.cli;

import dev.lifeboat.core.binlog.ListingChanges;
import dev.lifeboat.core.changes.ListingTransactions;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.port.BinlogSource;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "changes",
        mixinStandardHelpOptions = true,
        description = {
            "The transactions a binlog archive (MySQL, MariaDB) or a change archive (PostgreSQL) holds around a"
                    + " moment (lifeboat stream), to find the moment to restore to: just before the DROP or the DELETE.",
            "Each with its time, GTID or transaction id and position, the rows it changed per table (inserted,"
                    + " updated, deleted, truncated) and, from a binlog, the text of DDL; never a row's values."
                    + " PostgreSQL's logical decoding carries no DDL: where the tables' columns changed between two"
                    + " segments, that stretch is listed. Every segment read is checked first."
        },
        footer = {
            "",
            "Example:",
            "  lifeboat changes --vault s3://acme-lifeboat-vault --database orders --around 2026-12-05T23:00:00Z",
            "  lifeboat restore --from dump --vault s3://acme-lifeboat-vault --database orders \\",
            "      --to-time 2026-12-05T22:59:41Z --target mariadb://admin@new-host:3306/orders --create"
        })
final class ChangesCommand implements Callable<Integer> {
    private final Context context;

    @Option(names = "--vault", required = true, paramLabel = "URI", description = "file:DIR or s3://BUCKET/PREFIX")
    String vaultUri;

    @Option(names = "--database", required = true, paramLabel = "ID", description = "the database's id in the vault")
    String database;

    @Option(
            names = "--around",
            required = true,
            paramLabel = "TIME",
            description = "ISO-8601 UTC, e.g. 2026-12-05T23:00:00Z")
    String around;

    @Option(
            names = "--window",
            paramLabel = "MINUTES",
            defaultValue = "5",
            description = "list the transactions this many minutes either side (default: ${DEFAULT-VALUE})")
    long windowMinutes;

    @Option(
            names = "--schema",
            paramLabel = "NAME",
            description = "only transactions that touch this database on the server (default: the one its newest dump"
                    + " holds; the binlog holds the whole server's)")
    String schema;

    @Option(names = "--all", description = "every transaction of the server, whichever database it touches")
    boolean all;

    ChangesCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Instant moment;
        try {
            moment = Instant.parse(around.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("--around '" + around
                    + "' is not a moment; give it in ISO-8601 UTC, e.g. --around 2026-12-05T23:00:00Z");
        }
        if (windowMinutes < 1 || windowMinutes > 24 * 60) {
            throw new InvalidInputException("--window must be 1 to 1440 minutes");
        }
        Vault v = context.vaultAt(vaultUri, null);
        ListingTransactions changes = new ListingTransactions(v, context.catalog(v));
        Optional<ListingTransactions.Archive> held = changes.archive(database);
        if (held.isPresent()) {
            if (schema != null || all) {
                throw new InvalidInputException("--schema and --all are for a binlog archive (MySQL, MariaDB),"
                        + " which holds the whole server's; the change archive of " + database
                        + " (PostgreSQL) holds its one database's: leave them out");
            }
            return postgres(changes.around(held.get(), moment, Duration.ofMinutes(windowMinutes)));
        }
        String only = all ? null : schema;
        if (!all && only == null) {
            BackupCatalog catalog = context.catalog(v);
            only = catalog.backups(database).stream()
                    .filter(m -> m.binlog() != null)
                    .max(Comparator.comparing(DumpManifest::finishedAt))
                    .map(m -> m.binlog().schema())
                    .orElse(null);
        }
        ListingChanges.Listed listed = new ListingChanges(v, context.tools().binlogs())
                .around(database, moment, Duration.ofMinutes(windowMinutes), only);
        context.err()
                .println("transactions of " + database
                        + (only == null ? " (every database of the server)" : " touching `" + only + "`") + " from "
                        + listed.from() + " to " + listed.to() + ", from " + listed.segments()
                        + " checked segment(s)");
        context.out().printf("%-20s %-16s %-28s %s%n", "TIME (UTC)", "GTID", "ENDS AT", "CHANGE");
        for (BinlogSource.Transaction t : listed.transactions()) {
            context.out()
                    .printf(
                            "%-20s %-16s %-28s %s%n",
                            t.at().toString().replace("T", " ").replace("Z", ""), t.gtid(), t.end(), describe(t));
        }
        if (listed.transactions().isEmpty()) {
            context.err().println("no transactions in that stretch");
        }
        return ExitCode.OK;
    }

    private int postgres(ListingTransactions.Listed listed) {
        context.err()
                .println("transactions of " + database + " from " + listed.from() + " to " + listed.to() + ", from "
                        + listed.segments() + " checked segment(s)");
        context.out().printf("%-26s %-10s %-14s %s%n", "TIME (UTC)", "XID", "COMMIT LSN", "CHANGE");
        List<Map.Entry<Instant, String>> lines = new java.util.ArrayList<>();
        for (ListingTransactions.Transaction t : listed.transactions()) {
            lines.add(Map.entry(
                    t.at(),
                    String.format(
                            "%-26s %-10s %-14s %s",
                            time(t.at()),
                            t.xid(),
                            t.commitLsn(),
                            t.rows().entrySet().stream()
                                    .map(e -> e.getKey() + ": " + rows(e.getValue()))
                                    .collect(Collectors.joining("; ")))));
        }
        for (ListingTransactions.ShapeChange c : listed.shapeChanges()) {
            lines.add(
                    Map.entry(
                            c.after(),
                            String.format(
                                    "%-26s %-10s %-14s %s",
                                    time(c.after()),
                                    "-",
                                    c.segmentLsn(),
                                    "DDL between " + time(c.after()) + " and " + time(c.by())
                                            + ": the tables' columns changed (a table created, dropped or altered; logical"
                                            + " decoding does not carry it); a restore to a moment after it needs a dump taken after it")));
        }
        lines.sort(Map.Entry.comparingByKey());
        lines.forEach(l -> context.out().println(l.getValue()));
        if (lines.isEmpty()) {
            context.err().println("no transactions in that stretch");
        }
        return ExitCode.OK;
    }

    private static String time(Instant at) {
        return at.toString().replace("T", " ").replace("Z", "");
    }

    private static String describe(BinlogSource.Transaction t) {
        if (t.statement() != null) {
            String s = t.statement();
            return "DDL" + (t.database().isEmpty() ? "" : " in `" + t.database() + "`") + ": "
                    + (s.length() > 300 ? s.substring(0, 300) + "…" : s);
        }
        return t.rows().entrySet().stream()
                .map(e -> e.getKey() + ": " + rows(e.getValue()))
                .collect(Collectors.joining("; "));
    }

    private static String rows(Map<String, Long> byKind) {
        return List.of("inserted", "updated", "deleted", "truncated").stream()
                .filter(byKind::containsKey)
                .map(k -> byKind.get(k) + " " + k)
                .collect(Collectors.joining(", "));
    }
}
