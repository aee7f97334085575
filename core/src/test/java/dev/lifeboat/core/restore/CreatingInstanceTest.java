package dev.lifeboat.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.EndpointResolver;
import dev.lifeboat.core.port.RdsDatabases;
import dev.lifeboat.core.shape.ShapeRecords;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.IamModel;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemorySecretStore;
import dev.lifeboat.core.testing.InMemoryShapes;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.TestSettings;
import dev.lifeboat.protocol.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: when the snapshot copies cannot be used, a dump is loaded into a new, empty instance made in the shape
 * recorded for the database: recorded class, storage and parameters, its network as for a snapshot restore.
 */
class CreatingInstanceTest {
    static final String BACKUP = "222222222222";
    static final Location VAULT_LOC = new Location(BACKUP, "eu-central-1");

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T23:00:00Z"), ZoneOffset.UTC);
    private final InMemoryRds rds = new InMemoryRds(clock);
    private final InMemoryShapes shapes = new InMemoryShapes();
    private final InMemoryVault vault = new InMemoryVault();
    private final InMemorySecretStore secrets = new InMemorySecretStore();
    private final CreatingInstance creating = new CreatingInstance(rds, shapes, vault, secrets, clock);
    private final LifeboatConfig config = TestSettings.orders();

    private static DatabaseShape shape(Instant at, String instanceClass) {
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
                new DatabaseShape.Storage("gp3", 500, 12000, 500),
                true,
                5432,
                new DatabaseShape.Network("orders-net", "vpc-prod", List.of(), List.of()),
                new DatabaseShape.ParameterGroup(
                        "orders-pg16",
                        "postgres16",
                        List.of(new DatabaseShape.Parameter("max_connections", "500", "pending-reboot"))),
                null,
                false,
                false,
                7,
                true,
                true,
                null,
                Map.of("team", "payments"),
                List.of());
    }

    @BeforeEach
    void records() {
        rds.addKey(BACKUP, "eu-central-1", "backup", false);
        rds.iam = IamModel.deployed(config, IamModel.BackupRole.RESTORE).withDefaultPoliciesFor(rds);
        ShapeRecords.record(
                vault, shape(Instant.parse("2026-11-24T03:00:00Z"), "db.r6g.large"), "lifeboat-orders-20261124-0300");
        ShapeRecords.record(
                vault, shape(Instant.parse("2026-11-25T03:00:00Z"), "db.r6g.xlarge"), "lifeboat-orders-20261125-0300");
        shapes.subnetGroups.put(VAULT_LOC + "/orders-net", List.of("a", "b"));
    }

    private static RestoringSnapshot.Target target(String id) {
        return new RestoringSnapshot.Target(id, null, null, null, null, List.of(), null, null, null, true, null);
    }

    @Test
    void theInstance_takesTheNewestRecordedShape_recreatesWhatIsGone_andKeepsThePasswordInSecretsManager() {
        CreatingInstance.Result plan = creating.advance(config, "orders", target("orders-from-dump"), true);
        assertThat(plan.status()).isEqualTo(CreatingInstance.Status.PLANNED);
        assertThat(plan.plan())
                .extracting(RestoringSnapshot.Call::api)
                .containsExactly("CreateDBParameterGroup", "CreateDBInstance", "secretsmanager:CreateSecret");
        assertThat(rds.calls).isEmpty();
        assertThat(secrets.names).isEmpty();

        CreatingInstance.Result first = creating.advance(config, "orders", target("orders-from-dump"), false);
        assertThat(first.status()).isEqualTo(CreatingInstance.Status.IN_PROGRESS);
        assertThat(rds.created).singleElement().satisfies(n -> {
            assertThat(n.spec().instanceClass()).as("the newest record's").isEqualTo("db.r6g.xlarge");
            assertThat(n.spec().parameterGroup()).isEqualTo("orders-pg16-lifeboat-20261125");
            assertThat(n.spec().subnetGroup()).isEqualTo("orders-net");
            assertThat(n.spec().multiAz()).isTrue();
            assertThat(n.spec().shaped().allocatedStorage()).isEqualTo(500);
            assertThat(n.spec().deletionProtection()).isTrue();
            assertThat(n.spec().tags()).containsEntry("team", "payments").containsEntry(Tags.MANAGED_BY, "lifeboat");
            assertThat(n.engineVersion()).isEqualTo("16.4");
            assertThat(n.kmsKeyId()).isEqualTo(config.backup().kmsKeyArn());
            assertThat(n.masterPassword().reveal())
                    .hasSize(RdsDatabases.THROWAWAY_PASSWORD_HEX_CHARS)
                    .matches("[0-9a-f]+");
            assertThat(n.toString()).doesNotContain(n.masterPassword().reveal());
        });
        Secret password = first.password().orElseThrow();
        assertThat(secrets.names).containsExactly("lifeboat/restore/orders-from-dump");
        assertThat(first.message() + first.notes() + first.plan()).doesNotContain(password.reveal());

        CreatingInstance.Result r = first;
        for (int i = 0; i < 10 && r.status() != CreatingInstance.Status.AVAILABLE; i++) {
            r = creating.advance(config, "orders", target("orders-from-dump"), false);
        }
        assertThat(r.status()).isEqualTo(CreatingInstance.Status.AVAILABLE);
        assertThat(r.password())
                .as("only the call that made it holds the password")
                .isEmpty();
        assertThat(rds.created).hasSize(1);

        // The dump goes into it, as the command line then does.
        InMemoryVault dumps = new InMemoryVault();
        FakeDumps.take(dumps, "orders", FakeDumps.AT_NIGHT);
        FakeDumpTools tools = new FakeDumpTools();
        FakeInspector inspector = new FakeInspector();
        DatabaseTarget into = EndpointResolver.DIRECT.resolve(
                DatabaseEngine.POSTGRESQL,
                r.instance().orElseThrow().endpoint(),
                "orders",
                CreatingInstance.MASTER_USER,
                password);
        new RestoringDump(dumps, inspector, tools, Clock.systemUTC(), Duration.ofHours(1))
                .restore(new RestoringDump.Command("orders", "latest", into, true, false, false, null));
        assertThat(tools.loadTargets).singleElement().satisfies(tgt -> {
            assertThat(tgt.host()).isEqualTo("orders-from-dump.eu-central-1.rds.example");
            assertThat(tgt.user()).isEqualTo("lifeboat");
        });
    }

    @Test
    void withoutARecordedShape_itRefuses_sayingWhatToDoInstead() {
        vault.objects.clear();
        assertThatThrownBy(() -> creating.advance(config, "orders", target("orders-from-dump"), false))
                .isInstanceOf(BackupNotFoundException.class)
                .satisfies(
                        e -> assertThat(((BackupNotFoundException) e).hint()).contains("--target", "--from snapshot"));
        assertThat(rds.calls).isEmpty();
    }

    @Test
    void anExistingDatabaseOfThatName_isNeverTaken_andAClusterIsRefused() {
        rds.addDatabase(VAULT_LOC, "orders-from-dump", "postgres", null);
        assertThatThrownBy(() -> creating.advance(config, "orders", target("orders-from-dump"), false))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("already exists");
        assertThat(rds.created).isEmpty();
        assertThat(secrets.names).isEmpty();
    }
}
