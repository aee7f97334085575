package dev.lifeboat.cli;

import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.RestoringDump;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "restore-dump",
        mixinStandardHelpOptions = true,
        description = {
            "Restore a logical dump from the vault into a database.",
            "The SHA-256 is checked while the dump streams; a corrupt backup never completes a restore.",
            "The target must be empty (or new, with --create); nothing is ever dropped."
        },
        footer = {
            "",
            "Example:",
            "  lifeboat restore-dump --vault file:./vault --id orders --backup latest \\",
            "      --target postgresql://app@localhost:5432/orders_restored --create"
        })
final class RestoreDumpCommand implements Callable<Integer> {
    private final Context context;

    @Option(names = "--id", required = true, paramLabel = "NAME", description = "the database's name in the vault")
    String id;

    @Option(
            names = "--backup",
            defaultValue = "latest",
            paramLabel = "ID",
            description = "a backup id as 'lifeboat list' prints it, or latest (default: ${DEFAULT-VALUE})")
    String backup;

    @Option(
            names = "--target",
            paramLabel = "URL",
            description = "where to restore: postgresql://USER@HOST:PORT/NEWDB (or mariadb://, mysql://)")
    String target;

    @Option(
            names = "--target-secret-id",
            paramLabel = "ID",
            description = "instead of --target: a Secrets Manager secret in the RDS format")
    String targetSecretId;

    @Option(names = "--create", description = "create the target database; it must not exist yet")
    boolean create;

    @Option(
            names = "--allow-non-empty-target",
            description = "load into a database that already has tables (objects may clash or mix; nothing is dropped)")
    boolean allowNonEmpty;

    @Option(
            names = "--keep-ownership",
            description = "PostgreSQL: restore owners and grants (the source's roles must exist on the target)")
    boolean keepOwnership;

    @Option(
            names = "--timeout-minutes",
            paramLabel = "MIN",
            defaultValue = "720",
            description = "(default: ${DEFAULT-VALUE})")
    long timeoutMinutes;

    @Mixin
    VaultOptions vault;

    RestoreDumpCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        DatabaseTarget into = context.database("--target", target, "--target-secret-id", targetSecretId);
        Vault v = vault.open(context.aws(), context.clock());
        Progress progress = context.progress("restored");
        RestoringDump.Result r = new RestoringDump(
                        v, context.inspector(), context.tools(), context.clock(), Duration.ofMinutes(timeoutMinutes))
                .restore(new RestoringDump.Command(id, backup, into, create, allowNonEmpty, keepOwnership, progress));
        progress.finish();
        context.out()
                .printf(
                        "restored backup %s of %s into %s: %s, sha256 verified, in %ds%n",
                        r.manifest().backupId(),
                        r.manifest().databaseId(),
                        r.target(),
                        Sizes.human(r.bytes()),
                        r.elapsed().toSeconds());
        return ExitCode.OK;
    }
}
