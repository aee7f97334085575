package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 43: the hook's fast path decides only what the full path would allow (an ordinary command, with the arguments
 * the full path accepts for it); everything else, a typo included, goes the full path, which judges it.
 */
class HookFastPathTest {
    @Test
    void onlyAHookWithLifeboatYmlOrTakingBackups_andNothingItDoesNotKnow_takesTheFastPath() {
        assertThat(HookFastPath.applies(new String[] {"guard", "--hook", "--config", "lifeboat.yml"}))
                .isTrue();
        assertThat(HookFastPath.applies(new String[] {"guard", "--config=lifeboat.yml", "--hook"}))
                .isTrue();
        assertThat(HookFastPath.applies(new String[] {"guard", "--hook", "--take-backup", "--budget", "30s"}))
                .isTrue();
        assertThat(HookFastPath.applies(new String[] {"guard", "--hook", "--take-backup", "--vault", "file:v"}))
                .isTrue();
        for (String[] full : new String[][] {
            {"guard", "--hook"}, // the full path asks for --config
            {"guard", "--config", "lifeboat.yml"}, // not a hook
            {"guard", "--hook", "--config"}, // a missing value
            {"guard", "--hook", "--config", "--take-backup"},
            {"guard", "--hook", "--confg", "lifeboat.yml"}, // a typo: picocli says so
            {"guard", "--hook", "--config", "lifeboat.yml", "--format", "yaml"}, // checked before the command
            {"guard", "--hook", "--config", "lifeboat.yml", "--max-age", "soon"},
            {"guard", "--hook", "--config", "lifeboat.yml", "--plan", "plan.json"},
            {"guard", "--hook", "--config", "lifeboat.yml", "--", "terraform", "destroy"},
            {"guard", "--hook", "--config", "lifeboat.yml", "--source", "orders=postgresql://h/db"},
            {"guard", "--hook", "--hook", "--config", "lifeboat.yml"}, // given twice (helper-14)
            {"guard", "--hook", "--config", "a.yml", "--config=b.yml"},
            {"dump", "--hook", "--config", "lifeboat.yml"},
            {"guard"},
            {}
        }) {
            assertThat(HookFastPath.applies(full)).as(String.join(" ", full)).isFalse();
        }
    }

    @Test
    void anOrdinaryCommandIsHarmless_butADestroyerOrInputThatIsNotAHooks_isTheFullPaths() {
        Map<String, String> env = Map.of();
        assertThat(HookFastPath.harmless(
                        bytes("{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls -la\"}}"), env))
                .isTrue();
        assertThat(HookFastPath.harmless(bytes("git status && npm test"), env)).isTrue();
        for (String full : new String[] {
            "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"terraform destroy\"}}",
            "if true; then dropdb orders; fi",
            "{\"tool_input\":{\"command\":\"ls\"}",
            "{\"command\":\"ls\"}",
            "[\"ls\"]"
        }) {
            assertThat(HookFastPath.harmless(bytes(full), env)).as(full).isFalse();
        }
        assertThat(HookFastPath.harmless(new byte[] {(byte) 0xff, 0, 1}, env)).isFalse();
    }

    /** Issue 43: each agent's shape takes the fast path when ordinary; destructive or malformed, the full path's. */
    @Test
    void eachAgentsShape_isHarmlessWhenOrdinary_andTheFullPathsOtherwise() {
        Map<String, String> env = Map.of();
        String cwd = java.nio.file.Path.of("").toAbsolutePath().toString();
        for (String shape : new String[] {
            "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"cwd\":\"%2$s\",\"tool_input\":{\"command\":\"%1$s\"}}",
            "{\"hook_event_name\":\"BeforeTool\",\"tool_name\":\"run_shell_command\",\"cwd\":\"%2$s\","
                    + "\"tool_input\":{\"command\":\"%1$s\"}}",
            "{\"hook_event_name\":\"beforeShellExecution\",\"command\":\"%1$s\",\"cwd\":\"%2$s\"}",
            "{\"agent_action_name\":\"pre_run_command\",\"tool_info\":{\"command_line\":\"%1$s\",\"cwd\":\"%2$s\"}}"
        }) {
            assertThat(HookFastPath.harmless(bytes(shape.formatted("ls -la", cwd)), env))
                    .as(shape)
                    .isTrue();
            assertThat(HookFastPath.harmless(bytes(shape.formatted("terraform destroy", cwd)), env))
                    .as(shape)
                    .isFalse();
            assertThat(HookFastPath.harmless(bytes(shape.formatted("ls", "relative/dir")), env))
                    .as(shape)
                    .isFalse();
        }
        for (String malformed : new String[] {
            "{\"command\":\"ls\",\"cwd\":\"" + cwd + "\"}",
            "{\"hook_event_name\":\"beforeMCPExecution\",\"command\":\"ls\"}",
            "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Edit\",\"tool_input\":{\"command\":\"ls\"}}",
            "{\"agent_action_name\":\"pre_read_code\",\"tool_info\":{\"command_line\":\"ls\"}}",
            "{\"toolName\":\"bash\",\"toolArgs\":\"{\\\"command\\\":\\\"ls\\\"}\"}"
        }) {
            assertThat(HookFastPath.harmless(bytes(malformed), env))
                    .as(malformed)
                    .isFalse();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
