package dev.lifeboat.core.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.model.TableSize;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParallelPlanTest {
    private static TableSize t(String name, long bytes) {
        return new TableSize("public", name, bytes);
    }

    private static long bytes(List<TableSize> part) {
        return part.stream().mapToLong(TableSize::bytes).sum();
    }

    @Test
    void largestFirst_eachToTheLightestPart_soThePartsFinishCloseTogether() {
        List<TableSize> tables = List.of(t("a", 10), t("b", 700), t("c", 300), t("d", 300), t("e", 90), t("f", 5));

        List<List<TableSize>> parts = ParallelPlan.parts(tables, 2);

        assertThat(parts).hasSize(2);
        assertThat(parts.get(0)).first().isEqualTo(t("b", 700));
        assertThat(parts.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(tables);
        assertThat(Math.abs(bytes(parts.get(0)) - bytes(parts.get(1)))).isLessThanOrEqualTo(100);
        assertThat(ParallelPlan.leftOutOfPartZero(parts)).containsExactlyInAnyOrderElementsOf(parts.get(1));
    }

    @Test
    void oneTable_orOneJob_isOneStream_andNeverMorePartsThanTables() {
        assertThat(ParallelPlan.parts(List.of(t("a", 1)), 4)).hasSize(1);
        assertThat(ParallelPlan.parts(List.of(t("a", 1), t("b", 2)), 1)).hasSize(1);
        assertThat(ParallelPlan.parts(List.of(), 4)).hasSize(1);
        assertThat(ParallelPlan.parts(List.of(t("a", 1), t("b", 2), t("c", 3)), 8))
                .hasSize(3);
        assertThatThrownBy(() -> ParallelPlan.parts(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyTables_stillSpread_insteadOfPilingIntoOnePart() {
        List<List<TableSize>> parts = ParallelPlan.parts(List.of(t("a", 0), t("b", 0), t("c", 0), t("d", 0)), 2);
        assertThat(parts).allSatisfy(p -> assertThat(p).hasSize(2));
    }
}
