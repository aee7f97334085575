package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.protocol.BuildInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DumpTaskTest {
    /** The task's log starts with which Lifeboat runs (version, commit), then says what to set. */
    @Test
    void aTaskStartedWithoutDatabases_logsItsVersion_thenSaysWhatToSet() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DumpTask.run(
                Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("starting " + BuildInfo.current().describe())
                .contains("commit " + BuildInfo.current().commit())
                .contains("LIFEBOAT_DATABASES is not set");
        assertThat(BuildInfo.current().commit()).isNotEqualTo(BuildInfo.UNKNOWN);
    }

    /** Issue 35: the ids become the function's own request type; an empty one is refused before any client is made. */
    @Test
    void anEmptyIdAmongTheDatabases_isRefusedByName_beforeAnythingIsMade() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DumpTask.run(
                Map.of("LIFEBOAT_DATABASES", "orders,,billing", "AWS_REGION", "eu-west-1"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("LIFEBOAT_DATABASES: field 'databases' holds an empty entry")
                .doesNotContain("\u2060");
    }
}
