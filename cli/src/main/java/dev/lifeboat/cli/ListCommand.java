package dev.lifeboat.cli;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.ManifestCodec;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.restore.RecoveryLog;
import dev.lifeboat.core.snapshot.PruningSnapshots;
import dev.lifeboat.core.snapshot.RetentionPolicy;
import dev.lifeboat.core.verify.VerificationReports;
import dev.lifeboat.protocol.Tags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "List the backups in a vault (only complete ones: those with a manifest), oldest first.")
final class ListCommand implements Callable<Integer> {
    private final Context context;

    @Option(names = "--json", description = "print the manifests as a JSON array")
    boolean json;

    @Option(
            names = "--snapshots",
            description = "list the snapshot copies in the backup account instead of dumps (needs --config)")
    boolean snapshots;

    @Option(
            names = "--restores",
            description = "list the measured recovery times: every restore (snapshot or dump) and verification run,"
                    + " by phase (needs --config or --vault)")
    boolean restores;

    @Option(
            names = "--recovery-window",
            description = "each database's recovery point (the newest moment a restore reaches: a dump, a snapshot"
                    + " copy with --config, or the archive going on from the newest dump) and, for a database with a"
                    + " binlog archive (MySQL family) or a change archive (PostgreSQL), both made by lifeboat stream:"
                    + " from when to when it can be restored with restore --to-time, and where the archive has gaps"
                    + " (needs --vault or --config)")
    boolean recoveryWindow;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "lifeboat.yml (with --snapshots, --restores or --recovery-window)")
    Path config;

    @Option(names = "--database", paramLabel = "ID", description = "only this database")
    String database;

    @Spec
    CommandSpec spec;

    /** Refused: one name for one concept across commands. */
    @SuppressWarnings("DoNotCallSuggester") // picocli calls it when --id is given
    @Option(names = "--id", hidden = true, paramLabel = "NAME")
    void renamedId(String ignored) {
        throw Renamed.option(spec, "--id", "--database");
    }

    @Option(names = "--vault", paramLabel = "URI", description = "file:DIR (a local directory) or s3://BUCKET/PREFIX")
    String vaultUri;

    ListCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (snapshots) {
            return listSnapshots();
        }
        if (restores) {
            return listRestores();
        }
        if (recoveryWindow) {
            return listRecoveryWindows();
        }
        if (vaultUri == null) {
            throw new InvalidInputException("give --vault URI (dumps), or --snapshots --config FILE (snapshot copies)");
        }
        Vault v = context.vaultAt(vaultUri, null);
        BackupCatalog catalog = context.catalog(v);
        List<DumpManifest> all = new ArrayList<>();
        for (String db : database == null ? catalog.databases() : List.of(database)) {
            all.addAll(catalog.backups(db));
        }
        if (json) {
            List<String> items = all.stream()
                    .map(m -> new String(ManifestCodec.write(m), StandardCharsets.UTF_8))
                    .toList();
            context.out().println("[" + String.join(",\n", items) + "]");
            return ExitCode.OK;
        }
        if (all.isEmpty()) {
            context.err().println("no backups" + (database == null ? "" : " of " + database) + " in " + v.describe());
            return ExitCode.OK;
        }
        context.out()
                .printf(
                        "%-20s %-24s %-20s %10s %8s  %s%n",
                        "DATABASE", "BACKUP", "STARTED (UTC)", "SIZE", "TOOK", "SHA256");
        for (DumpManifest m : all) {
            Duration took = Duration.between(m.startedAt(), m.finishedAt());
            context.out()
                    .printf(
                            "%-20s %-24s %-20s %10s %7ds  %s%n",
                            m.databaseId(),
                            m.backupId(),
                            m.startedAt().toString().replace("T", " ").replaceAll("\\.\\d+Z$|Z$", ""),
                            Sizes.human(m.totalBytes()),
                            took.toSeconds(),
                            m.sha256());
        }
        String reader = dev.lifeboat.protocol.BuildInfo.current().version();
        for (DumpManifest m : all) {
            m.newerWriterThan(reader)
                    .ifPresent(note ->
                            context.err().println("note: " + m.databaseId() + " " + m.backupId() + ": " + note));
        }
        return ExitCode.OK;
    }

    /** Each database's restorable stretches and gaps (issue 40). */
    private int listRecoveryWindows() {
        if (vaultUri == null && config == null) {
            throw new InvalidInputException(
                    "--recovery-window needs --vault URI (the vault the dumps and archives are in) or --config FILE");
        }
        var cfg = config == null ? null : ConfigLoader.load(config);
        Vault v = vaultUri != null ? context.vaultAt(vaultUri, null) : context.vault(cfg);
        if (v == null) {
            throw new InvalidInputException("backup.vault is not set in " + config + "; give --vault URI");
        }
        BackupCatalog catalog = context.catalog(v);
        dev.lifeboat.core.binlog.BinlogArchive archive = new dev.lifeboat.core.binlog.BinlogArchive(v);
        List<String> ids = database != null
                ? List.of(database)
                : cfg != null ? List.copyOf(cfg.databases().keySet()) : catalog.databases();
        printRecoveryPoints(cfg, v, ids);
        boolean any = false;
        context.out().printf("%-16s %-24s %-24s %-9s %s%n", "DATABASE", "RESTORABLE FROM", "TO", "SEGMENTS", "NOTE");
        for (String id : ids) {
            for (var r : archive.restorable(id, catalog.backups(id))) {
                any = true;
                var w = r.window();
                context.out()
                        .printf(
                                "%-16s %-24s %-24s %-9d %s%n",
                                id,
                                r.firstBase()
                                        .map(m -> m.binlog()
                                                .snapshotBy()
                                                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                                .toString())
                                        .orElse("-"),
                                w.lastEventAt().toString(),
                                w.segments(),
                                r.firstBase()
                                        .map(m ->
                                                "from dump " + m.backupId() + "; binlog " + w.from() + " to " + w.to())
                                        .orElse("no dump stands in this stretch (archived " + w.firstEventAt() + " to "
                                                + w.lastEventAt() + "): take a dump to restore in it"));
            }
            List<dev.lifeboat.core.changes.ChangeSegment> changes =
                    new dev.lifeboat.core.changes.ChangeArchive(v).segments(id);
            for (var w : dev.lifeboat.core.changes.ChangeArchive.windows(changes, catalog.backups(id))) {
                any = true;
                context.out()
                        .printf(
                                "%-16s %-24s %-24s %-9d %s%n",
                                id,
                                w.base()
                                        .map(m -> m.changes()
                                                .snapshotBy()
                                                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                                                .toString())
                                        .orElse("-"),
                                w.readUpTo().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                                w.segments(),
                                w.base()
                                        .map(m ->
                                                "from dump " + m.backupId() + "; changes " + w.from() + " to " + w.to())
                                        .orElse("no dump stands in this stretch (archived from " + w.firstCommitAt()
                                                + "): take a dump to restore in it"));
            }
            for (var g : new dev.lifeboat.core.changes.ChangeArchive(v).gaps(id)) {
                any = true;
                context.out()
                        .printf(
                                "%-16s %-24s %-24s %-9s GAP after %s: %s%n",
                                id,
                                "-",
                                g.detectedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                                "-",
                                g.lastArchived(),
                                g.reason());
            }
            for (var g : archive.gaps(id)) {
                any = true;
                context.out()
                        .printf(
                                "%-16s %-24s %-24s %-9s GAP after %s: %s%n",
                                id,
                                "-",
                                g.detectedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                                "-",
                                g.lastArchived(),
                                g.reason());
            }
        }
        if (!any) {
            context.err()
                    .println("no binlog or change archive" + (database == null ? "" : " of " + database) + " in "
                            + v.describe()
                            + "; lifeboat stream makes one");
        }
        return ExitCode.OK;
    }

    /**
     * Each database's recovery point (issue 41): the newest moment a restore reaches and by what; with lifeboat.yml,
     * the snapshot copies in the backup account count too.
     */
    private void printRecoveryPoints(dev.lifeboat.core.config.LifeboatConfig cfg, Vault v, List<String> ids) {
        java.time.Instant now = context.clock().instant();
        try (var rds = cfg == null ? null : context.rds(cfg)) {
            var newest = new dev.lifeboat.core.audit.NewestBackups(v, rds, context.clock());
            context.out().printf("%-16s %s%n", "DATABASE", "RECOVERY POINT (the newest moment a restore reaches)");
            for (String id : ids) {
                var n = newest.of(cfg, id);
                var p = dev.lifeboat.core.audit.RecoveryPoint.of(n, v);
                context.out()
                        .printf(
                                "%-16s %s%s%n",
                                id,
                                p.map(x -> x.describe(now)).orElse("none: no backup of " + id + " was found"),
                                n.problems().isEmpty() ? "" : " (" + String.join("; ", n.problems()) + ")");
            }
            if (cfg == null) {
                context.out().println("(snapshot copies are not counted without --config lifeboat.yml)");
            }
            context.out().println();
        }
    }

    /** The restore log and the verification reports of the vault: the measured recovery times, oldest first. */
    private int listRestores() {
        Vault v;
        List<String> ids;
        if (vaultUri != null) {
            v = context.vaultAt(vaultUri, null);
            ids = database == null ? context.catalog(v).databases() : List.of(database);
        } else if (config != null) {
            var cfg = ConfigLoader.load(config);
            v = context.vault(cfg);
            if (v == null) {
                throw new InvalidInputException("backup.vault is not set in " + config + "; the restore log is there");
            }
            ids = database == null
                    ? List.copyOf(cfg.databases().keySet())
                    : List.of(cfg.database(database).id());
        } else {
            throw new InvalidInputException("--restores needs --config FILE or --vault URI");
        }
        record Row(
                String database, java.time.Instant started, String kind, String target, long seconds, String phases) {}
        List<Row> rows = new ArrayList<>();
        RecoveryLog log = new RecoveryLog(v);
        VerificationReports reports = new VerificationReports(v);
        for (String id : ids) {
            log.of(id)
                    .forEach(r -> rows.add(new Row(
                            id,
                            r.startedAt(),
                            r.from() + " restore",
                            r.target(),
                            r.total().toSeconds(),
                            r.describePhases())));
            reports.of(id).stream()
                    .filter(r -> r.recoverySeconds() != null)
                    .forEach(r -> rows.add(new Row(
                            id,
                            r.startedAt(),
                            "verification",
                            r.instance(),
                            r.recoverySeconds(),
                            r.success() ? "passed" : "failed")));
        }
        if (rows.isEmpty()) {
            context.err()
                    .println("no measured restores" + (database == null ? "" : " of " + database) + " in "
                            + v.describe());
            return ExitCode.OK;
        }
        rows.sort(java.util.Comparator.comparing(Row::started));
        context.out()
                .printf("%-16s %-20s %-16s %-12s %s%n", "DATABASE", "STARTED (UTC)", "KIND", "RTO", "PHASES / TARGET");
        for (Row r : rows) {
            context.out()
                    .printf(
                            "%-16s %-20s %-16s %-12s %s (%s)%n",
                            r.database(),
                            r.started().toString().replace("T", " ").replaceAll("\\.\\d+Z$|Z$", ""),
                            r.kind(),
                            Sizes.duration(java.time.Duration.ofSeconds(r.seconds())),
                            r.phases(),
                            r.target());
        }
        return ExitCode.OK;
    }

    private int listSnapshots() {
        if (config == null) {
            throw new InvalidInputException("--snapshots needs --config FILE (lifeboat.yml)");
        }
        var cfg = ConfigLoader.load(config);
        List<String> ids = database == null
                ? List.copyOf(cfg.databases().keySet())
                : List.of(cfg.database(database).id());
        try (var rds = context.rds(cfg)) {
            context.out()
                    .printf(
                            "%-16s %-40s %-10s %-22s %-14s %s%n",
                            "DATABASE", "SNAPSHOT", "STATUS", "TAKEN (UTC)", "SOURCE", "ENGINE");
            for (String id : ids) {
                for (var s : PruningSnapshots.copies(rds, cfg, id).reversed()) { // oldest first, like the dumps
                    var taken = RetentionPolicy.takenAt(s);
                    context.out()
                            .printf(
                                    "%-16s %-40s %-10s %-22s %-14s %s %s%n",
                                    id,
                                    s.id(),
                                    s.status(),
                                    taken == null ? "-" : taken.toString(),
                                    s.tags().getOrDefault(Tags.SOURCE_ACCOUNT, "?"),
                                    s.tags().getOrDefault(Tags.ENGINE, "?"),
                                    s.tags().getOrDefault(Tags.ENGINE_VERSION, ""));
                }
            }
        }
        return ExitCode.OK;
    }
}
