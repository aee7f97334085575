package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.protocol.BuildInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StreamTaskTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env) {
        return StreamTask.run(env, new PrintStream(err, true, StandardCharsets.UTF_8), () -> true, null);
    }

    /** Started without its database, the task logs which Lifeboat runs and says what to set; it reads nothing. */
    @Test
    void aTaskStartedWithoutItsDatabase_saysWhatToSet() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("starting " + BuildInfo.current().describe())
                .contains("LIFEBOAT_DATABASE is not set", "lifeboat stream");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-5", "soon", ""})
    void aReportIntervalThatIsNotPositive_isRefusedNamingIt(String every) {
        assertThat(run(Map.of(StreamTask.DATABASE, "orders", StreamTask.REPORT_SECONDS, every)))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(StreamTask.REPORT_SECONDS + " '" + every + "' is not a whole number of seconds above 0");
    }
}
