package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Regression (issue 10, operator messages): nothing was printed while a dump was stalled. */
class ProgressTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T03:00:00Z"));

    @Test
    void aStall_isSaid_withTheBytesSoFarAndHowLongNothingMoved() {
        Progress p = new Progress(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, "dumped", clock);
        p.onStart(-1);
        clock.advance(Duration.ofSeconds(5));
        p.onProgress(3 * 1024 * 1024);
        clock.advance(Duration.ofSeconds(20));
        assertThat(p.stalledLine(clock.now))
                .as("20 s without a byte is not yet a stall")
                .isEmpty();

        clock.advance(Duration.ofSeconds(75));
        assertThat(p.stalledLine(clock.now))
                .contains("dumped 3.0 MiB so far; no progress for 1 min 35 s (still running)");

        p.onProgress(4 * 1024 * 1024);
        assertThat(p.stalledLine(clock.now)).isEmpty();
        p.finish();
    }

    /** Issue 38, item 6: a MariaDB restore's check of every byte is shown as such, then the load as the load. */
    @Test
    void phases_areEachShownWithTheirOwnVerbAndTotal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "restored", clock);
        p.onPhase("checked", 10 * 1024 * 1024);
        clock.advance(Duration.ofSeconds(6));
        p.onProgress(10 * 1024 * 1024);
        p.onPhase("restored", 10 * 1024 * 1024);
        clock.advance(Duration.ofSeconds(6));
        p.onProgress(4 * 1024 * 1024);
        p.finish();
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("checked 10.0 MiB of 10.0 MiB")
                .contains("restored 4.0 MiB of 10.0 MiB")
                .doesNotContain("restored 10.0 MiB");
    }
}
