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

    /**
     * Issue 43: each agent's hook input, as the agent sends it to the jar: an ordinary command exits 0 (Cursor's
     * {"permission":"allow"} on stdout), a destructive one 2 with the reason on stderr (and Cursor's deny on stdout),
     * a malformed one 2; the command's files are read in the agent's cwd.
     */
    @Test
    void eachAgentsShape_allowsTheOrdinary_blocksTheDestructiveAndTheMalformed(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("Makefile"), "clean:\n\tdropdb orders\nbuild:\n\techo ok\n");
        String cwd = dir.toAbsolutePath().toString();
        for (String shape : List.of(
                "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"cwd\":\"%2$s\","
                        + "\"tool_input\":{\"command\":\"%1$s\"}}",
                "{\"hook_event_name\":\"BeforeTool\",\"tool_name\":\"run_shell_command\",\"cwd\":\"%2$s\","
                        + "\"tool_input\":{\"command\":\"%1$s\"}}",
                "{\"hook_event_name\":\"beforeShellExecution\",\"conversation_id\":\"c\",\"command\":\"%1$s\","
                        + "\"cwd\":\"%2$s\"}",
                "{\"agent_action_name\":\"pre_run_command\",\"trajectory_id\":\"t\",\"tool_info\":"
                        + "{\"command_line\":\"%1$s\",\"cwd\":\"%2$s\"}}")) {
            boolean cursor = shape.contains("beforeShellExecution");
            Ran ordinary =
                    hook(shape.formatted("make build && git status", cwd), "guard", "--hook", "--config", CONFIG);
            assertThat(ordinary.exit()).as(shape + ordinary.err()).isZero();
            assertThat(ordinary.out().strip()).as(shape).isEqualTo(cursor ? "{\"permission\":\"allow\"}" : "");

            Ran destroy = hook(shape.formatted("terraform destroy", cwd), "guard", "--hook", "--config", CONFIG);
            assertThat(destroy.exit()).as(shape).isEqualTo(2);
            assertThat(destroy.err()).as(shape).contains("blocked `terraform destroy`");
            if (cursor) {
                assertThat(destroy.out()).contains("\"permission\":\"deny\"").contains("terraform destroy");
            } else {
                assertThat(destroy.out()).as(shape).isEmpty();
            }

            // the Makefile is in the agent's cwd, not in the hook's own directory
            Ran make = hook(shape.formatted("make clean", cwd), "guard", "--hook", "--config", CONFIG);
            assertThat(make.exit()).as(shape + make.err()).isEqualTo(2);
            assertThat(make.err()).as(shape).contains("dropdb");

            Ran relative = hook(shape.formatted("ls", "some/dir"), "guard", "--hook", "--config", CONFIG);
            assertThat(relative.exit()).as(shape).isEqualTo(2);
            assertThat(relative.err()).as(shape).contains("is not an absolute path to a directory");
        }
        for (String malformed : List.of(
                "{\"command\":\"ls\"}",
                "{\"hook_event_name\":\"beforeShellExecution\",\"command\":\"ls\"",
                "{\"hook_event_name\":\"afterShellExecution\",\"command\":\"ls\"}",
                "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Write\",\"tool_input\":{\"command\":\"ls\"}}",
                "{\"agent_action_name\":\"post_run_command\",\"tool_info\":{\"command_line\":\"ls\"}}",
                "{\"toolName\":\"bash\",\"toolArgs\":\"{}\"}")) {
            Ran r = hook(malformed, "guard", "--hook", "--config", CONFIG);
            assertThat(r.exit()).as(malformed).isEqualTo(2);
            assertThat(r.err()).as(malformed).contains("blocked: the hook's");
        }
    }
}
