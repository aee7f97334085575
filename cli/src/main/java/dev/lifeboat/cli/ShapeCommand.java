package dev.lifeboat.cli;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.DatabaseShapes;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.RestoringSnapshot;
import dev.lifeboat.core.shape.ShapeRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "shape",
        mixinStandardHelpOptions = true,
        description = {
            "Print the shape recorded with a snapshot copy: the instance class, storage, network (subnets, security"
                    + " groups and their rules), parameter group values, options, protections and tags the database"
                    + " had when it was backed up; what a restore brings back.",
            "--diff compares it with the live database, so drift shows before the night it matters. Read-only.",
            "Exit 0; with --diff, 1 when the live database differs from the record."
        },
        footer = {
            "",
            "Examples:",
            "  lifeboat shape --config lifeboat.yml --database orders",
            "  lifeboat shape --config lifeboat.yml --database orders --backup latest --diff"
        })
final class ShapeCommand implements Callable<Integer> {
    private final Context context;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "lifeboat.yml")
    Path config;

    @Option(names = "--database", required = true, paramLabel = "ID", description = "the database's id in lifeboat.yml")
    String database;

    @Option(
            names = "--backup",
            defaultValue = "latest",
            paramLabel = "WHICH",
            description = "a snapshot copy's id, latest, or before:2026-11-24T23:00:00Z (default: ${DEFAULT-VALUE})")
    String backup;

    @Option(names = "--diff", description = "compare the record with the live database")
    boolean diff;

    @Option(names = "--json", description = "print the record as it is stored")
    boolean json;

    ShapeCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        LifeboatConfig cfg = ConfigLoader.load(config);
        LifeboatConfig.Database db = cfg.database(database);
        Vault vault = context.vault(cfg);
        if (vault == null) {
            throw new InvalidInputException("backup.vault is not set in " + config + "; shapes are recorded there");
        }
        try (RdsGateway rds = context.rds(cfg);
                DatabaseShapes shapes = context.shapes(cfg)) {
            SnapshotInfo copy = new RestoringSnapshot(rds, context.clock()).choose(cfg, database, backup);
            Optional<DatabaseShape> recorded = ShapeRecords.read(vault, database, copy.id());
            if (recorded.isEmpty()) {
                context.err()
                        .println("lifeboat: no shape was recorded with " + copy.id() + " (a run before shapes were"
                                + " recorded, or one whose record failed: its warnings say why)");
                return ExitCode.FAILED;
            }
            DatabaseShape s = recorded.get();
            context.out().println("backup: " + copy.id() + " (shape recorded " + s.recordedAt() + ")");
            s.newerWriterThan(dev.lifeboat.protocol.BuildInfo.current().version())
                    .ifPresent(note -> context.err().println("note: the shape of " + copy.id() + ": " + note));
            if (json) {
                context.out().println(new String(ShapeRecords.encode(s), StandardCharsets.UTF_8));
            } else {
                ShapeRecords.flatten(s).forEach((k, v) -> context.out().println("  " + k + ": " + v));
            }
            if (!diff) {
                return ExitCode.OK;
            }
            Location source = new Location(db.source().account(), db.source().region());
            Optional<DatabaseShape> live =
                    shapes.describe(source, db.source().kind(), db.source().identifier(), database);
            if (live.isEmpty()) {
                context.out()
                        .println("live: " + db.source().identifier() + " does not exist in " + source
                                + "; restore it with lifeboat restore --from snapshot (docs/runbook.md)");
                return ExitCode.FAILED;
            }
            List<String> changes = ShapeRecords.differences(s, live.get());
            if (changes.isEmpty()) {
                context.out().println("live: the same as recorded");
                return ExitCode.OK;
            }
            context.out().println("live: " + changes.size() + " difference(s) from the record (recorded -> live):");
            changes.forEach(c -> context.out().println("  " + c));
            return ExitCode.FAILED;
        }
    }
}
