package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 43: the packaged jar's entry point decides the hook's ordinary command before the command line is loaded, and
 * hands everything else to it with the input it read: the same answers as the full path, from a process as an agent
 * runs it.
 */
class HookFastPathIT {
    private static final Path JAR = Path.of("target/lifeboat.jar");
    private static final String CONFIG =
            Path.of("../docs/lifeboat.example.yml").toAbsolutePath().toString();

    record Ran(int exit, String out, String err) {}

    private static Ran hook(String input, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Ran(
                p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String agent(String command) {
        return "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"" + command.replace("\"", "\\\"") + "\"}}";
    }

    @Test
    void theJarDecidesAsTheFullPathDoes_fastForTheOrdinaryCommand() throws Exception {
        Ran ordinary = hook(agent("ls -la && git status"), "guard", "--hook", "--config", CONFIG);
        assertThat(ordinary.exit()).as(ordinary.err()).isZero();
        assertThat(ordinary.out() + ordinary.err()).isEmpty();

        Ran destroy = hook(agent("terraform destroy"), "guard", "--hook", "--config", CONFIG);
        assertThat(destroy.exit()).isEqualTo(2);
        assertThat(destroy.err()).contains("blocked `terraform destroy`");

        Ran dropdb = hook("if true; then dropdb orders; fi", "guard", "--hook", "--config", CONFIG);
        assertThat(dropdb.exit()).isEqualTo(2);
        assertThat(dropdb.err()).contains("dropdb");

        Ran malformed = hook("{\"tool_input\":{\"command\":\"ls\"}", "guard", "--hook", "--config", CONFIG);
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err()).contains("blocked: the hook's input starts like JSON but is not JSON");

        Ran noConfig = hook(agent("ls"), "guard", "--hook");
        assertThat(noConfig.exit()).isEqualTo(2);
        assertThat(noConfig.err()).contains("give --config lifeboat.yml");

        Ran typo = hook(agent("ls"), "guard", "--hook", "--confg", CONFIG);
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).contains("--confg");

        // helper-14: a byte-order mark before the JSON, a command after it, a reading that recursed past the stack
        // (a long quoted string: exit 1 let the command run), a guard that fails for any reason: 0 or 2, never else
        String deleteDb = "aws rds delete-db-instance --db-instance-identifier orders-prod --region eu-west-1";
        Ran bom = hook("\uFEFF" + agent(deleteDb), "guard", "--hook", "--config", CONFIG);
        assertThat(bom.exit()).as(bom.err()).isEqualTo(2);
        Ran after = hook(agent("ls") + "; " + deleteDb, "guard", "--hook", "--config", CONFIG);
        assertThat(after.exit()).as(after.err()).isEqualTo(2);
        assertThat(after.err()).contains("blocked: the hook's input");
        String longString = "python3 -c 'import subprocess; x=\"" + "A".repeat(5000) + "\"'";
        Ran harmlessLong = hook(agent(longString), "guard", "--hook", "--config", CONFIG);
        assertThat(harmlessLong.exit()).as(harmlessLong.err()).isZero();
        Ran dangerousLong = hook(agent(longString + "; " + deleteDb), "guard", "--hook", "--config", CONFIG);
        assertThat(dangerousLong.exit()).as(dangerousLong.err()).isEqualTo(2);
        Ran missingConfig = hook(agent(deleteDb), "guard", "--hook", "--config", "/nonexistent/lifeboat.yml");
        assertThat(missingConfig.exit())
                .as("a failure of the guard itself blocks")
                .isEqualTo(2);

        Ran version = hook("", "--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("lifeboat ");
    }
}
