package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review of ec5fb28 (issue 35): each test here fails against that commit and names a finding. */
class RestoreRequestHostileCliTest {
    @TempDir
    Path home;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        err.reset();
        return Lifeboat.run(
                new Context(
                        Map.of(),
                        home,
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        Clock.systemUTC(),
                        false),
                args);
    }

    private String said() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** request() names an option by OptionSpec.longestName(): --no-multi-az is refused as "--multi-az". */
    @Test
    void aNegatedOptionRefused_isNamedAsTyped() {
        assertThat(run(
                        "restore",
                        "--from",
                        "dump",
                        "--database",
                        "orders",
                        "--target",
                        "postgresql://app@127.0.0.1:1/orders",
                        "--no-multi-az"))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(said()).contains("--no-multi-az does not apply");
    }

    /** Fields.SEE is shared: a command-line user is sent to "a payload of each kind" in docs/runbook.md. */
    @Test
    void aCommandLineRefusal_doesNotSendTheOperatorToPayloads() {
        assertThat(run("restore", "--from", "snapshot", "--database", "orders")).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(said()).contains("--target-instance is missing").doesNotContain("payload");
    }

    /**
     * "An option ... is refused by name, before anything is read": a dump restore with neither --target nor
     * --target-secret-id passes request() (the record allows no target) and lifeboat.yml is read first.
     */
    @Test
    void aDumpRestoreWithoutATarget_isRefusedBeforeLifeboatYmlIsRead() {
        assertThat(run(
                        "restore",
                        "--from",
                        "dump",
                        "--database",
                        "orders",
                        "--config",
                        home.resolve("absent.yml").toString()))
                .isEqualTo(ExitCode.BAD_INPUT);
        assertThat(said()).contains("--target").doesNotContain("absent.yml");
    }

    /** --target-database now works with --target-secret-id; its help still says "dump, with --create-instance". */
    @Test
    void targetDatabaseHelp_saysItWorksWithTargetSecretId() {
        var o = Lifeboat.commandLine(new Context(Map.of(), home, System.out, System.err, Clock.systemUTC(), false))
                .getSubcommands()
                .get("restore")
                .getCommandSpec()
                .findOption("--target-database");
        assertThat(String.join(" ", o.description())).contains("--target-secret-id");
    }
}
