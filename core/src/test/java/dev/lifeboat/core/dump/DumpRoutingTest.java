package dev.lifeboat.core.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.dump.DumpRouting.LastDump;
import dev.lifeboat.core.dump.DumpRouting.Runner;
import dev.lifeboat.core.model.RunOn;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DumpRoutingTest {
    private static Runner route(RunOn on, double share, Long above, LastDump last) {
        return DumpRouting.decide(on, share, above, Optional.ofNullable(last)).runner();
    }

    @Test
    void whatLifeboatYmlSays_wins_whateverTheLastDumpTook() {
        LastDump long_ = new LastDump(Duration.ofMinutes(14), 1L << 40);
        assertThat(route(RunOn.LAMBDA, 0.5, null, long_)).isEqualTo(Runner.LAMBDA);
        assertThat(route(RunOn.FARGATE, 0.5, null, null)).isEqualTo(Runner.FARGATE);
    }

    @Test
    void auto_movesToFargate_onceTheLastDumpTookMoreThanTheShare_orWasTooLarge() {
        assertThat(route(RunOn.AUTO, 0.5, null, null)).as("never dumped").isEqualTo(Runner.LAMBDA);
        assertThat(route(RunOn.AUTO, 0.5, null, new LastDump(Duration.ofSeconds(450), 1)))
                .isEqualTo(Runner.LAMBDA);
        assertThat(route(RunOn.AUTO, 0.5, null, new LastDump(Duration.ofSeconds(451), 1)))
                .isEqualTo(Runner.FARGATE);
        assertThat(route(RunOn.AUTO, 0.8, null, new LastDump(Duration.ofSeconds(700), 1)))
                .isEqualTo(Runner.LAMBDA);
        assertThat(route(RunOn.AUTO, 0.5, 1000L, new LastDump(Duration.ofSeconds(10), 1001)))
                .isEqualTo(Runner.FARGATE);
        assertThat(route(RunOn.AUTO, 0.5, 1000L, new LastDump(Duration.ofSeconds(10), 1000)))
                .isEqualTo(Runner.LAMBDA);
        assertThat(DumpRouting.decide(RunOn.AUTO, 0.5, null, Optional.of(new LastDump(Duration.ofMinutes(9), 1)))
                        .reason())
                .contains("540 s", "50%");
    }

    @Test
    void aShareOutsideZeroToOne_isRefused() {
        assertThatThrownBy(() -> route(RunOn.AUTO, 0, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> route(RunOn.AUTO, 1.5, null, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
