package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Regression (issue 10, operator messages): nothing was printed while a dump was stalled. */
class ProgressTest {
    private Instant now = Instant.parse("2026-11-25T03:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void aStall_isSaid_withTheBytesSoFarAndHowLongNothingMoved() {
        Progress p = new Progress(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false, "dumped", clock);
        p.onStart(-1);
        now = now.plusSeconds(5);
        p.onProgress(3 * 1024 * 1024);
        now = now.plusSeconds(20);
        assertThat(p.stalledLine(now))
                .as("20 s without a byte is not yet a stall")
                .isEmpty();

        now = now.plus(Duration.ofSeconds(75));
        assertThat(p.stalledLine(now)).contains("dumped 3.0 MiB so far; no progress for 1 min 35 s (still running)");

        p.onProgress(4 * 1024 * 1024);
        assertThat(p.stalledLine(now)).isEmpty();
        p.finish();
    }
}
