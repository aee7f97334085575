package dev.lifeboat.adapters.process;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.DumpFailedException;
import dev.lifeboat.core.model.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a tool's end is reported. */
class ChildProcessTest {
    /** Regression (issue 10, operator messages): a SIGKILLed tool read "exit code 137 ... fix the cause it names". */
    @Test
    void aToolKilledBySigkill_isReportedAsKilled_withTheLikelyCause() {
        ChildProcess p = ChildProcess.start(
                List.of("sh", "-c", "kill -9 $$"), Map.of(), Secret.none(), false, DumpFailedException::new);

        assertThatThrownBy(() -> p.awaitSuccess(Duration.ofSeconds(30)))
                .isInstanceOf(DumpFailedException.class)
                .hasMessage("sh was killed by signal 9 (SIGKILL)")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((DumpFailedException) e).hint())
                        .contains("out-of-memory killer"));
        p.close();
    }
}
