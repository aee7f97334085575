package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.snapshot.Decision;
import dev.lifeboat.protocol.StepProtocol;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The statuses the snapshot step writes are the ones the state machine's Choice tests (StepProtocol). */
class StepProtocolTest {
    @Test
    void everyStatusOfTheStep_isOneTheStateMachineKnows() {
        assertThat(Arrays.stream(Decision.Status.values()).map(Enum::name))
                .containsExactlyInAnyOrder(
                        StepProtocol.STATUS_IN_PROGRESS, StepProtocol.STATUS_DONE, StepProtocol.STATUS_FAILED);
    }
}
