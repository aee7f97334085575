package dev.lifeboat.cli;

import dev.lifeboat.adapters.process.Cores;
import dev.lifeboat.core.dump.BackupId;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.ManifestCodec;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.Compression;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.protocol.DumpMemory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "dump",
        mixinStandardHelpOptions = true,
        description = {
            "Take a logical dump (pg_dump, mariadb-dump) of a live database and stream it into the vault.",
            "The backup exists once its manifest is written, after the dump succeeded; a failed dump leaves nothing."
        },
        footer = {
            "",
            "Examples:",
            "  PGPASSWORD=... lifeboat dump --source postgresql://app@db:5432/orders --vault file:./vault",
            "  lifeboat dump --secret-id prod/orders --vault s3://acme-lifeboat-vault/dumps --database orders"
        })
final class DumpCommand implements Callable<Integer> {
    private final Context context;

    @Option(
            names = "--source",
            paramLabel = "URL",
            description = "postgresql://USER@HOST:PORT/DB, mariadb://... or mysql://...; the password comes from"
                    + " PGPASSWORD / ~/.pgpass or MYSQL_PWD / ~/.my.cnf, never the URL")
    String source;

    @Option(
            names = "--secret-id",
            paramLabel = "ID",
            description = "instead of --source: a Secrets Manager secret in the RDS format")
    String secretId;

    @Option(
            names = "--database",
            paramLabel = "ID",
            description = "the database's id in the vault (default: the database name)")
    String id;

    @Spec
    CommandSpec spec;

    /** Refused: one name for one concept across commands. */
    @SuppressWarnings("DoNotCallSuggester") // picocli calls it when --id is given
    @Option(names = "--id", hidden = true, paramLabel = "NAME")
    void renamedId(String ignored) {
        throw Renamed.option(spec, "--id", "--database");
    }

    @Option(
            names = "--exact-count-threshold",
            paramLabel = "ROWS",
            defaultValue = "100000",
            description =
                    "tables up to this many rows get an exact count(*) in the manifest, larger ones an estimate (default: ${DEFAULT-VALUE})")
    long exactThreshold;

    @Option(
            names = "--timeout-minutes",
            paramLabel = "MIN",
            defaultValue = "720",
            description = "stop the dump and record nothing after this long (default: ${DEFAULT-VALUE})")
    long timeoutMinutes;

    @Option(
            names = "--run-id",
            paramLabel = "TIME",
            description =
                    "the scheduled run this dump belongs to, e.g. 2026-11-25T03:00:00Z: re-runs a missed scheduled"
                            + " backup by hand under the identity the schedule uses, and two invocations of one run make one"
                            + " backup")
    String runId;

    @Option(
            names = "--compression",
            paramLabel = "HOW",
            defaultValue = "gzip:1",
            description = "gzip:1 (default: a third of pg_dump's default time for a few percent more bytes), gzip:N,"
                    + " none, zstd:N (MariaDB/MySQL: Lifeboat's own zstd, a third of gzip:1's time; PostgreSQL: a 16+"
                    + " client built with it) or lz4:N (PostgreSQL 16+); recorded in the manifest")
    String compression;

    @Option(
            names = "--jobs",
            paramLabel = "N",
            description = "PostgreSQL: dump in N data parts at once, all at one exported snapshot (default: the cores"
                    + " available, at most 4; 1: one stream; a database of one table is always one stream)")
    Integer jobs;

    @Option(names = "--json", description = "print the manifest as JSON on stdout")
    boolean json;

    @Mixin
    VaultOptions vault;

    DumpCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (runId != null) {
            try {
                BackupId.forRun(runId);
            } catch (InvalidInputException e) {
                throw new InvalidInputException(
                        "--run-id '" + runId + "' is not a time; give the run's scheduled time in ISO-8601 UTC, e.g."
                                + " --run-id 2026-11-25T03:00:00Z");
            }
        }
        DatabaseTarget target = context.database("--source", source, "--secret-id", secretId);
        if (exactThreshold < 0 || timeoutMinutes < 1) {
            throw new InvalidInputException("--exact-count-threshold must be >= 0 and --timeout-minutes >= 1");
        }
        int parts = jobs != null ? jobs : Cores.defaultJobs();
        if (parts < 1) {
            throw new InvalidInputException("--jobs must be at least 1 (1: one stream)");
        }
        // A parallel dump's uploads each keep one part in flight while the next fills: a stream of pg_dump's
        // compressed output is slower than one part's upload, and N streams then hold 2N parts, about what one
        // stream with 4 in flight holds (bin/lifeboat caps the heap by the same count).
        Vault v = vault.open(context.aws(), context.clock(), DumpMemory.partsInFlight(parts));
        Progress progress = context.progress("dumped");
        TakingDump dumping = new TakingDump(
                v,
                context.inspector(),
                context.tools(),
                context.clock(),
                new TakingDump.Settings(
                                exactThreshold, Duration.ofMinutes(timeoutMinutes), Compression.parse(compression))
                        .withJobs(parts));
        TakingDump.Result result =
                dumping.dump(new TakingDump.Command(id == null ? target.database() : id, target, runId, progress));
        DumpManifest m = result.manifest();
        progress.finish();
        if (result.alreadyExisted()) {
            context.err()
                    .println("backup " + m.backupId() + (runId == null ? "" : " of run " + runId)
                            + " was completed by another attempt of the same run; it is kept, and this attempt's"
                            + " objects are vouched for by no manifest");
        }
        if (json) {
            context.out().println(new String(ManifestCodec.write(m), StandardCharsets.UTF_8));
        } else {
            context.out()
                    .printf(
                            "backup %s of %s: %s, sha256 %s%n  %s/%s%n",
                            m.backupId(),
                            m.databaseId(),
                            Sizes.human(m.totalBytes()),
                            m.sha256(),
                            v.describe(),
                            m.objectKey());
        }
        return ExitCode.OK;
    }
}
