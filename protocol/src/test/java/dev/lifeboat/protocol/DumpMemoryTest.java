package dev.lifeboat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The heap a dump needs, the figures bin/lifeboat, the functions and the Fargate task are capped at (issue 13). */
class DumpMemoryTest {
    @Test
    void oneStream_holdsFourPartsInFlightAndOneFilling_onTopOfItsBase() {
        assertThat(DumpMemory.partsInFlight(1)).isEqualTo(4);
        assertThat(DumpMemory.heapMib(1, 16)).isEqualTo(80 + 5 * 16);
        assertThat(DumpMemory.heapMib(1, 32)).isEqualTo(80 + 5 * 32);
    }

    @Test
    void aParallelDump_holdsTwoPartsPerDataPart_andLittleForTheSchema() {
        assertThat(DumpMemory.partsInFlight(2)).isEqualTo(1);
        assertThat(DumpMemory.heapMib(2, 16)).isEqualTo(48 + 8 + 4 * 16);
        assertThat(DumpMemory.heapMib(4, 16)).isEqualTo(184);
        assertThat(DumpMemory.heapMib(16, 16)).isEqualTo(48 + 8 + 32 * 16);
    }

    @Test
    void aProcessThatDumpsSeveralDatabases_isCappedForTheLargestJobs() {
        assertThat(DumpMemory.heapMib(List.of(1, 4, 2))).isEqualTo(184);
        assertThat(DumpMemory.heapMib(List.of(1))).isEqualTo(160);
        assertThat(DumpMemory.heapMib(List.of())).isEqualTo(160);
        // With 1 in flight for every upload (the largest jobs is 2), a one-stream dump beside it holds 2 parts, within
        // the parallel cap.
        assertThat(80 + 2 * 16).isLessThanOrEqualTo(DumpMemory.heapMib(List.of(1, 2)));
    }

    @Test
    void theJavaOptions_capHeapAndDirectMemory() {
        assertThat(DumpMemory.javaOptions(120)).isEqualTo("-Xmx120m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC");
    }

    @Test
    void nonsense_isRefused() {
        assertThatThrownBy(() -> DumpMemory.heapMib(0, 16)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DumpMemory.heapMib(2, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}
