package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.request.DumpRestore;
import dev.lifeboat.protocol.request.NewInstanceRestore;
import dev.lifeboat.protocol.request.RestoreRequest;
import dev.lifeboat.protocol.request.SnapshotRestore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Issue 35: {@code lifeboat restore} fills the one request type the restore function and the Fargate task read.
 * Every option of the command, asked with every kind of restore (from the command's own picocli model, so an option
 * added later is asked too): one the kind does not take is refused by name before anything is read or called; one it
 * takes is not.
 */
class RestoreRequestOptionsTest {
    private static final Map<Class<? extends RestoreRequest>, List<String>> BASE = Map.of(
            SnapshotRestore.class,
            List.of("restore", "--from", "snapshot", "--database", "orders", "--target-instance", "orders-2"),
            DumpRestore.class,
            List.of("restore", "--from", "dump", "--database", "orders", "--target", "postgresql://u@127.0.0.1:1/db"),
            NewInstanceRestore.class,
            List.of("restore", "--from", "dump", "--database", "orders", "--create-instance", "orders-2"));

    /**
     * The options without a payload field that one kind of restore takes and the others refuse, stated here as what a
     * user is promised (docs/cli.md), not read from the command: every other option without a field applies to all.
     */
    private static final Map<String, Class<? extends RestoreRequest>> ONE_KIND_ONLY =
            Map.of("--vault", DumpRestore.class, "--no-wait", SnapshotRestore.class);

    /** Options whose values must parse; the rest take any word. */
    private static final Map<String, String> VALUES =
            Map.of("--to-time", "2026-12-05T22:59:30Z", "--jobs", "2", "--timeout-minutes", "5", "--poll-seconds", "1");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Context context(Path home) {
        out.reset();
        err.reset();
        return new Context(
                Map.of(),
                home,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.systemUTC(),
                false);
    }

    @Test
    void everyOption_withEveryKind_isTakenOrRefusedByName(@TempDir Path home) {
        List<OptionSpec> options = Lifeboat.commandLine(context(home))
                .getSubcommands()
                .get("restore")
                .getCommandSpec()
                .options();
        int refused = 0;
        int taken = 0;
        for (var kind : BASE.entrySet()) {
            Set<String> fields = RestoreRequest.fields(kind.getKey());
            for (OptionSpec o : options) {
                String flag = o.longestName();
                if (o.usageHelp() || o.versionHelp() || kind.getValue().contains(flag)) {
                    continue;
                }
                if (flag.equals("--create-instance")) {
                    continue; // it chooses the kind: NewInstanceRestore's base
                }
                List<String> args = new ArrayList<>(kind.getValue());
                args.add(flag);
                if (o.arity().max() > 0) {
                    args.add(VALUES.getOrDefault(flag, "x"));
                }
                int exit = Lifeboat.run(context(home), args.toArray(String[]::new));
                String said = err.toString(StandardCharsets.UTF_8);
                Param p = Param.byFlag(flag);
                boolean applies = (p != null && p.field() != null)
                        ? fields.contains(p.field())
                        : !ONE_KIND_ONLY.containsKey(flag) || ONE_KIND_ONLY.get(flag) == kind.getKey();
                assertThat(exit)
                        .as("%s with %s: %s", kind.getKey().getSimpleName(), flag, said)
                        .isEqualTo(2);
                if (applies) {
                    assertThat(said)
                            .as("%s with %s", kind.getKey().getSimpleName(), flag)
                            .doesNotContain("does not apply");
                    taken++;
                } else {
                    assertThat(said)
                            .as("%s with %s", kind.getKey().getSimpleName(), flag)
                            .contains(flag + " does not apply to " + RestoreRequest.kindOf(kind.getKey()));
                    refused++;
                }
                assertThat(out.toString(StandardCharsets.UTF_8))
                        .as("nothing planned")
                        .doesNotContain("plan");
            }
        }
        assertThat(refused).isGreaterThan(20);
        assertThat(taken).isGreaterThan(30);
    }

    /** The request's own rules, said in the command line's words. */
    @Test
    void theRequestsRules_areTheCommandLinesErrors(@TempDir Path home) {
        assertThat(Lifeboat.run(
                        context(home),
                        "restore",
                        "--from",
                        "snapshot",
                        "--database",
                        "orders",
                        "--target-instance",
                        "x",
                        "--subnet",
                        "subnet-1"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--subnet belongs to --create-network");
        assertThat(Lifeboat.run(
                        context(home),
                        "restore",
                        "--from",
                        "dump",
                        "--database",
                        "orders",
                        "--vault",
                        "file:" + home,
                        "--target",
                        "postgresql://u@127.0.0.1:1/db",
                        "--target-secret-id",
                        "s"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("give --target or --target-secret-id, not both");
        assertThat(Lifeboat.run(
                        context(home),
                        "restore",
                        "--from",
                        "dump",
                        "--database",
                        "orders",
                        "--vault",
                        "file:" + home,
                        "--target",
                        "postgresql://u@127.0.0.1:1/db",
                        "--jobs",
                        "0"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--jobs must be 1 or more, not 0");
        assertThat(Lifeboat.run(
                        context(home),
                        "restore",
                        "--from",
                        "snapshot",
                        "--database",
                        "orders",
                        "--target-instance",
                        ""))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--target-instance is empty");
    }
}
