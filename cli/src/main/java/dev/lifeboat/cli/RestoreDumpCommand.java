package dev.lifeboat.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** The old name of {@code restore --from dump}: refused, with the command to run instead. */
@Command(name = "restore-dump", hidden = true)
final class RestoreDumpCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> ignored;

    RestoreDumpCommand(Context context) {}

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(),
                "restore-dump was renamed: use lifeboat restore --from dump --vault URI --database ID --target URL"
                        + " [--create] (with --config FILE instead of --vault, lifeboat.yml's backup.vault)");
    }
}
