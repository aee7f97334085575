package dev.lifeboat.core.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.TableRowCount;
import dev.lifeboat.core.verify.VerifyingBackup.Check;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowCountComparisonTest {
    /** Only the engine and the tables take part in the comparison. */
    private static DumpManifest manifest(DatabaseEngine engine, List<TableRowCount> tables) {
        return DumpManifest.builder()
                .manifestVersion(DumpManifest.CURRENT_VERSION)
                .backupId("20261125T033000Z")
                .databaseId("orders")
                .engine(engine)
                .serverVersion("16.4")
                .dumpTool("pg_dump")
                .dumpToolVersion("16.4")
                .format("custom")
                .startedAt(Instant.parse("2026-11-25T03:30:00Z"))
                .finishedAt(Instant.parse("2026-11-25T03:31:00Z"))
                .sizeBytes(1)
                .sha256("00")
                .objectKey("k")
                .exactRowCountThreshold(100_000)
                .tables(tables)
                .build();
    }

    private static final List<TableRowCount> COUNTED = List.of(
            new TableRowCount("public", "orders", 1000, false), new TableRowCount("public", "customers", 10, true));

    @Test
    void countsWithinTheTolerance_andAnExactDump_pass() {
        List<Check> checks = RowCountComparison.compare(
                manifest(DatabaseEngine.POSTGRESQL, COUNTED),
                List.of(
                        new TableRowCount("public", "orders", 1040, false),
                        new TableRowCount("public", "customers", 10, true)),
                List.of(
                        new TableRowCount("public", "orders", 990, false),
                        new TableRowCount("public", "customers", 10, true)),
                0.05);

        assertThat(checks).allSatisfy(c -> assertThat(c.passed()).as(c.detail()).isTrue());
    }

    @Test
    void driftPastTheTolerance_aDumpOffByOneOnAnExactCount_andAMissingTable_fail_namingThem() {
        List<Check> checks = RowCountComparison.compare(
                manifest(DatabaseEngine.POSTGRESQL, COUNTED),
                List.of(new TableRowCount("public", "orders", 1100, false)),
                List.of(
                        new TableRowCount("public", "orders", 1000, false),
                        new TableRowCount("public", "customers", 9, true)),
                0.05);

        assertThat(checks.get(0).passed()).isFalse();
        assertThat(checks.get(0).detail()).isEqualTo("missing: public.customers (snapshot)");
        assertThat(checks.get(1).passed()).isFalse();
        assertThat(checks.get(1).detail()).contains("public.orders: snapshot 1100 vs manifest 1000");

        List<Check> offByOne = RowCountComparison.compare(
                manifest(DatabaseEngine.POSTGRESQL, COUNTED),
                List.of(
                        new TableRowCount("public", "orders", 1000, false),
                        new TableRowCount("public", "customers", 10, true)),
                List.of(
                        new TableRowCount("public", "orders", 1000, false),
                        new TableRowCount("public", "customers", 9, true)),
                0.05);
        assertThat(offByOne.get(1).passed()).isFalse();
        assertThat(offByOne.get(1).detail()).isEqualTo("public.customers: dump 9 vs manifest 10");
    }

    @Test
    void mariaDbTables_underAnotherDatabaseName_areComparedByTableName() {
        List<TableRowCount> shop = List.of(new TableRowCount("shop", "items", 5, true));
        List<Check> checks = RowCountComparison.compare(
                manifest(DatabaseEngine.MARIADB, shop),
                List.of(new TableRowCount("shop", "items", 5, true)),
                List.of(new TableRowCount("lifeboat_verify_dump", "items", 5, true)),
                0.0);

        assertThat(checks).allSatisfy(c -> assertThat(c.passed()).as(c.detail()).isTrue());
    }
}
