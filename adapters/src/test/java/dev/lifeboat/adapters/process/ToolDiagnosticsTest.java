package dev.lifeboat.adapters.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Regression (issue 10, item 4): a failed MariaDB restore logged about 24,000 lines of row data, because
 * the mariadb client echoes the failing statement and every stderr line was logged. The lines below are
 * the tools' own output, captured from failed runs.
 */
class ToolDiagnosticsTest {
    @Test
    void theStatementAndRowsTheMariadbClientEchoes_areNeverShown() {
        List<String> echoed = List.of(
                "--------------",
                "INSERT INTO `big` VALUES",
                "(47821,'768a02c350549c32585575742d6c29da'),",
                "(47822,'e38f33506d2b9e9f151d1acea2a7b206');",
                "--------------",
                "");

        assertThat(echoed)
                .allSatisfy(
                        line -> assertThat(ToolDiagnostics.shown(line, null)).isEmpty());
    }

    @Test
    void diagnostics_areKept_withTheirValuesMasked() {
        assertThat(ToolDiagnostics.shown(
                        "ERROR 1062 (23000) at line 25: Duplicate entry 'alice@example.com' for key 'PRIMARY'", null))
                .contains("ERROR 1062 (23000) at line 25: Duplicate entry '…' for key 'PRIMARY'");
        // Issue 38, item 5: the server's own message is shown, its values masked, the object's name kept.
        assertThat(ToolDiagnostics.shown("ERROR 1050 (42S01) at line 23: Table 'log' already exists", null))
                .contains("ERROR 1050 (42S01) at line 23: Table 'log' already exists");
        assertThat(ToolDiagnostics.shown(
                        "ERROR 1366 (22007) at line 9: Incorrect integer value: 'alice' for column `shop`.`t`.`n` at"
                                + " row 1",
                        null))
                .hasValueSatisfying(
                        l -> assertThat(l).doesNotContain("alice").contains("Incorrect integer value: '…' for column"));
        assertThat(ToolDiagnostics.shown("DETAIL:  Key (email)=(alice@example.com) already exists.", null))
                .contains("DETAIL:  Key (email)=(…) already exists.");
        assertThat(ToolDiagnostics.shown("CONTEXT:  COPY customers, line 3: \"3\tAlice\talice@example.com\"", null))
                .contains("CONTEXT:  COPY customers, line 3: …");
        assertThat(ToolDiagnostics.shown(
                        "pg_restore: error: COPY failed for table \"customers\": ERROR:  invalid input"
                                + " syntax for type integer: \"Alice\"",
                        null))
                .hasValueSatisfying(l -> assertThat(l).startsWith("pg_restore: error: COPY failed"));
        assertThat(ToolDiagnostics.shown("Command was: INSERT INTO customers VALUES (3, 'Alice');", null))
                .isEmpty(); // not a diagnostic of its own
        assertThat(ToolDiagnostics.shown("pg_restore: detail: Command was: INSERT INTO t VALUES (1, 'x');", null))
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("VALUES").doesNotContain("'x'"));
        assertThat(ToolDiagnostics.shown("pg_dump: detail: Query was: COPY public.t (id, note) TO stdout;", null))
                .contains("pg_dump: detail: Query was: …");
        assertThat(ToolDiagnostics.shown(
                        "ERROR 1064 (42000) at line 7: You have an error in your SQL syntax near 'Alice' at line 1",
                        null))
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("Alice"));
    }

    @Test
    void aPassword_isMasked_andLongLinesAreCut() {
        Optional<String> shown = ToolDiagnostics.shown(
                "mariadb-dump: Got error: 1045: \"Access denied for user 'app'@'10.0.0.1' (using password: s3cret!)\"",
                "s3cret!");
        assertThat(shown)
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("s3cret!").contains("Access denied"));
        assertThat(ToolDiagnostics.shown("pg_dump: error: " + "x".repeat(5000), null))
                .hasValueSatisfying(l -> assertThat(l).hasSize(ToolDiagnostics.MAX_LINE + 1));
    }

    @Test
    void errorLines_areRecognisedAfterMasking() {
        assertThat(ToolDiagnostics.isError("mariadb-dump: Got error: 1045: \"Access denied for user '…'@'…'\""))
                .isTrue();
        assertThat(ToolDiagnostics.isError("pg_restore: error: could not execute query"))
                .isTrue();
        assertThat(ToolDiagnostics.isError("pg_dump: warning: there are circular foreign-key constraints"))
                .isFalse();
    }
}
