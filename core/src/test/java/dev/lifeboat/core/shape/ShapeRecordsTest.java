package dev.lifeboat.core.shape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.testing.InMemoryVault;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Shape records: written once, read back equal, and compared field by field for {@code lifeboat shape --diff}. */
public class ShapeRecordsTest {
    public static DatabaseShape shape(String instanceClass, String workMem, Instant at) {
        return new DatabaseShape(
                1,
                "orders",
                DbKind.INSTANCE,
                "orders-prod",
                "111111111111",
                "eu-west-1",
                at,
                "postgres",
                "16.4",
                instanceClass,
                new DatabaseShape.Storage("gp3", 100, 3000, 125),
                true,
                5432,
                new DatabaseShape.Network("net", "vpc-1", List.of(), List.of()),
                new DatabaseShape.ParameterGroup(
                        "pg", "postgres16", List.of(new DatabaseShape.Parameter("work_mem", workMem, "immediate"))),
                null,
                false,
                false,
                7,
                true,
                true,
                "rds-ca-rsa2048-g1",
                Map.of("team", "payments"),
                List.of());
    }

    @Test
    void aRecord_isWrittenOnce_andReadBackEqual() {
        InMemoryVault vault = new InMemoryVault();
        DatabaseShape first = shape("db.r6g.large", "65536", Instant.parse("2026-11-26T03:00:00Z"));
        assertThat(ShapeRecords.record(vault, first, "lifeboat-orders-20261126-0300"))
                .isTrue();
        assertThat(ShapeRecords.record(
                        vault,
                        shape("db.t4g.micro", "1", Instant.parse("2026-11-26T03:01:00Z")),
                        "lifeboat-orders-20261126-0300"))
                .isFalse();
        assertThat(vault.objects).containsOnlyKeys("shapes/orders/lifeboat-orders-20261126-0300.shape.json");
        assertThat(ShapeRecords.read(vault, "orders", "lifeboat-orders-20261126-0300"))
                .contains(first);
        assertThat(ShapeRecords.read(vault, "orders", "lifeboat-orders-20261125-0300"))
                .isEmpty();
    }

    @Test
    void differences_nameEachChangedField_notTheTimeOfRecording() {
        DatabaseShape recorded = shape("db.r6g.large", "65536", Instant.parse("2026-11-26T03:00:00Z"));
        DatabaseShape live = shape("db.r6g.xlarge", "131072", Instant.parse("2026-11-26T09:00:00Z"));
        assertThat(ShapeRecords.differences(recorded, live))
                .containsExactly(
                        "instanceClass: db.r6g.large -> db.r6g.xlarge",
                        "parameterGroup.parameters[0].value: 65536 -> 131072");
        assertThat(ShapeRecords.differences(recorded, recorded)).isEmpty();
    }

    /** Issue 39: a shape names the Lifeboat that recorded it; a reader older than that says so. */
    @Test
    void aShape_recordsItsWriter_andAnOlderReaderNotesIt() {
        InMemoryVault vault = new InMemoryVault();
        DatabaseShape now = shape("db.r6g.large", "65536", Instant.parse("2026-11-26T03:00:00Z"));
        assertThat(now.writtenBy())
                .isEqualTo(dev.lifeboat.protocol.BuildInfo.current().version());
        ShapeRecords.record(vault, now, "lifeboat-orders-20261126-0300");
        DatabaseShape read = ShapeRecords.read(vault, "orders", "lifeboat-orders-20261126-0300")
                .orElseThrow();
        assertThat(read.writtenBy()).isEqualTo(now.writtenBy());
        assertThat(read.newerWriterThan(now.writtenBy())).isEmpty();

        String json = new String(ShapeRecords.encode(now), java.nio.charset.StandardCharsets.UTF_8);
        DatabaseShape newer = ShapeRecords.decode(
                json.replaceFirst("\"writtenBy\" : \"[^\"]*\"", "\"writtenBy\" : \"7.1.0\"")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "k");
        assertThat(newer.newerWriterThan("7.0.9"))
                .hasValueSatisfying(n -> assertThat(n).contains("written by Lifeboat 7.1.0, newer than this 7.0.9"));
        assertThat(newer.newerWriterThan("7.1.0")).isEmpty();

        DatabaseShape before = ShapeRecords.decode(
                json.replaceFirst(",\\s*\"writtenBy\" : \"[^\"]*\"", "")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "k");
        assertThat(before.writtenBy())
                .as("a record from before writers were recorded")
                .isNull();
        assertThat(before.newerWriterThan("0.0.1")).isEmpty();
        assertThat(ShapeRecords.differences(newer, now))
                .as("the writer is no difference")
                .isEmpty();
    }

    @Test
    void aKeyOutsideTheLayout_isRefused() {
        assertThatThrownBy(() -> ShapeRecords.key("../x", "lifeboat-orders-20261126-0300"))
                .hasMessageContaining("database id");
        assertThatThrownBy(() -> ShapeRecords.key("orders", "../../dumps/x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
