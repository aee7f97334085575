package dev.lifeboat.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Regression (issue 10, operator messages): durations printed as PT1M. */
class DurationsTest {
    @Test
    void durations_readAsAnOperatorReadsThem() {
        assertThat(Durations.human(Duration.ofMillis(795))).isEqualTo("0.8 s");
        assertThat(Durations.human(Duration.ofSeconds(45))).isEqualTo("45 s");
        assertThat(Durations.human(Duration.ofMinutes(1))).isEqualTo("1 min");
        assertThat(Durations.human(Duration.ofSeconds(725))).isEqualTo("12 min 5 s");
        assertThat(Durations.human(Duration.ofHours(12))).isEqualTo("12 h");
        assertThat(Durations.human(Duration.ofMinutes(125))).isEqualTo("2 h 5 min");
        assertThat(Durations.human(Duration.ofHours(50))).isEqualTo("2 d 2 h");
    }
}
