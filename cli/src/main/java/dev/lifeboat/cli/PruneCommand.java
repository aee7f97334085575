package dev.lifeboat.cli;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.snapshot.PruningSnapshots;
import dev.lifeboat.core.snapshot.RetentionPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        description = {
            "Apply each database's retention (grandfather-father-son) to its copies in the backup account.",
            "Only copies Lifeboat made are touched; the newest copy and copies in use by a verification are never deleted."
        })
final class PruneCommand implements Callable<Integer> {
    private final Context context;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "lifeboat.yml")
    Path config;

    @Option(names = "--database", paramLabel = "ID", description = "only this database (default: all)")
    String database;

    @Option(names = "--dry-run", description = "print what would be deleted, delete nothing")
    boolean dryRun;

    @Option(
            names = "--allow-deletes",
            paramLabel = "N",
            defaultValue = "-1",
            description =
                    "let this run delete up to N copies of --database, past the brake (retention.maxDeletesPerRun),"
                            + " after a change of retention; check with --dry-run first")
    int allowDeletes;

    PruneCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        LifeboatConfig cfg = ConfigLoader.load(config);
        List<String> ids = database == null
                ? List.copyOf(cfg.databases().keySet())
                : List.of(cfg.database(database).id());
        try (RdsGateway rds = context.rds(cfg)) {
            if (allowDeletes >= 0 && database == null) {
                throw new InvalidInputException("--allow-deletes needs --database ID: it confirms one database's run");
            }
            PruningSnapshots pruning = new PruningSnapshots(rds, context.clock());
            for (String id : ids) {
                PruningSnapshots.Result r = pruning.prune(cfg, id, dryRun, allowDeletes);
                context.out()
                        .printf(
                                "%s: keep %d, %s %d%n",
                                id,
                                r.kept().size(),
                                dryRun ? "would delete" : "deleted",
                                r.deleted().size());
                if (r.braked()) {
                    context.out()
                            .printf(
                                    "  a run would be refused: %d deletions are more than retention.maxDeletesPerRun"
                                            + " (%d); confirm with --allow-deletes %d%n",
                                    r.deleted().size(),
                                    cfg.database(id).retention().maxDeletesPerRun(),
                                    r.deleted().size());
                }
                r.untrusted().forEach((sn, why) -> context.out().printf("  left alone: %s (%s)%n", sn, why));
                for (SnapshotInfo s : r.deleted()) {
                    context.out()
                            .printf(
                                    "  %s %s (taken %s)%n",
                                    dryRun ? "would delete" : "deleted", s.id(), RetentionPolicy.takenAt(s));
                }
            }
        }
        return ExitCode.OK;
    }
}
