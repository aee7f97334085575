package dev.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.shape.ShapeRecords;
import dev.lifeboat.core.testing.Copies;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemoryShapes;
import dev.lifeboat.core.testing.InMemoryVault;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every Lambda payload in docs/runbook.md goes through the restore function, so the runbook cannot drift. */
class RunbookPayloadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static List<String> payloads() throws IOException {
        String runbook = Files.readString(Path.of("../docs/runbook.md"));
        Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(runbook);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static DatabaseShape recordedShape() {
        DatabaseShape.SecurityGroup sg = new DatabaseShape.SecurityGroup(
                "sg-0prod",
                "orders-db",
                "orders",
                "vpc-prod",
                List.of(new DatabaseShape.Rule("tcp", 5432, 5432, List.of("10.0.0.0/16"), null, null, null)),
                List.of());
        return new DatabaseShape(
                1,
                "orders",
                DbKind.INSTANCE,
                "orders-prod",
                "111111111111",
                "eu-west-1",
                Instant.parse("2026-11-25T03:00:00Z"),
                "postgres",
                "16.4",
                "db.r6g.large",
                new DatabaseShape.Storage("gp3", 100, 3000, 125),
                false,
                5432,
                new DatabaseShape.Network("orders-net", "vpc-prod", List.of(), List.of(sg)),
                null,
                null,
                false,
                false,
                7,
                true,
                true,
                null,
                Map.of(),
                List.of());
    }

    @Test
    void everyPayloadOfTheRunbook_isAcceptedByTheRestoreFunction() throws Exception {
        LifeboatConfig config = ConfigLoader.load(Path.of("../docs/lifeboat.example.yml"));
        // The night of the runbook, the day after the newest copy: one clock for every part, so it passes on any date.
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T23:00:00Z"), java.time.ZoneOffset.UTC);
        InMemoryRds rds = new InMemoryRds(clock);
        Location vaultLoc = config.backup().location();
        for (String day : List.of("2026-11-24", "2026-11-25")) {
            String id = "lifeboat-orders-" + day.replace("-", "") + "-0300";
            rds.put(Copies.lifeboatCopy(vaultLoc, "orders", id, Instant.parse(day + "T03:00:00Z")));
        }
        InMemoryVault vault = new InMemoryVault();
        FakeDumps.take(vault, "orders", clock);
        // The shape recorded with the newest copy (issue 14), and the recovery VPC's subnets the runbook names.
        ShapeRecords.record(vault, recordedShape(), "lifeboat-orders-20261125-0300");
        InMemoryShapes shapes = new InMemoryShapes();
        shapes.subnets.put(vaultLoc + "/subnet-0123456789abcdef0", "vpc-recovery");
        shapes.subnets.put(vaultLoc + "/subnet-0fedcba9876543210", "vpc-recovery");
        // The plan payload meets the recorded network still there; the createNetwork one makes its own.
        shapes.subnetGroups.put(vaultLoc + "/orders-net", List.of("subnet-a", "subnet-b"));
        shapes.addSecurityGroup(
                vaultLoc, recordedShape().network().securityGroups().getFirst());
        FakeInspector inspector = new FakeInspector();
        RestoreHandler handler = new RestoreHandler(
                config,
                rds,
                shapes,
                () -> vault,
                // A dry run checks the target as the restore would (it must not exist, with create), so it reads
                // the login; it creates and loads nothing (FakeInspector and FakeDumpTools record any of that).
                id -> new DatabaseTarget(
                        DatabaseEngine.POSTGRESQL, "restored.example", 5432, "postgres", "app", Secret.none()),
                inspector,
                new FakeDumpTools(),
                clock,
                null);

        List<String> payloads = payloads();
        assertThat(payloads).as("the runbook's Lambda payloads").hasSize(4);
        for (String payload : payloads) {
            JsonNode out = handler.handle(JSON.readTree(payload));
            for (int i = 0; i < 10 && "IN_PROGRESS".equals(out.path("status").asText()); i++) {
                out = handler.handle(JSON.readTree(payload));
            }
            assertThat(out.path("status").asText()).as(payload).isIn("PLANNED", "AVAILABLE");
        }
        assertThat(rds.restores)
                .as("the one payload that is not a dry run restored once, in the recorded shape")
                .singleElement()
                .satisfies(spec -> {
                    assertThat(spec.instanceClass()).isEqualTo("db.r6g.large");
                    assertThat(spec.subnetGroup()).isEqualTo("orders-restored-lifeboat");
                });
        assertThat(inspector.created)
                .as("the dump payloads are dry runs: no database created")
                .isEmpty();
    }
}
