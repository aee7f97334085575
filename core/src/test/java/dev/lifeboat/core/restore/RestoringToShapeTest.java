package dev.lifeboat.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.shape.RestoreShape;
import dev.lifeboat.core.shape.ShapeRecords;
import dev.lifeboat.core.testing.Copies;
import dev.lifeboat.core.testing.IamModel;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemoryShapes;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.TestSettings;
import dev.lifeboat.protocol.Tags;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: a snapshot restore brings the database back in the shape recorded with the backup: its class, storage,
 * Multi-AZ, port, IAM authentication and tags; its parameter group when it still exists with the recorded values,
 * else a new one with them; its network when it still exists, else refused unless the operator names one or asks for
 * it to be created with the recorded rules (never more open). Every value says where it came from.
 */
class RestoringToShapeTest {
    static final String PROD = "111111111111";
    static final String BACKUP = "222222222222";
    static final Location VAULT_LOC = new Location(BACKUP, "eu-central-1");
    static final String COPY = "lifeboat-orders-20261125-0300";

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T23:00:00Z"), ZoneOffset.UTC);
    private final InMemoryRds rds = new InMemoryRds(clock);
    private final InMemoryShapes shapes = new InMemoryShapes();
    private final InMemoryVault vault = new InMemoryVault();
    private final RestoringSnapshot restoring = new RestoringSnapshot(rds, shapes, vault, clock);
    private final LifeboatConfig config = TestSettings.orders();

    private static final DatabaseShape.SecurityGroup DB_SG = new DatabaseShape.SecurityGroup(
            "sg-0db",
            "orders-db",
            "orders database",
            "vpc-prod",
            List.of(
                    new DatabaseShape.Rule("tcp", 5432, 5432, List.of("10.0.0.0/16"), null, null, null),
                    new DatabaseShape.Rule("tcp", 5432, 5432, null, null, List.of("sg-0app"), null),
                    new DatabaseShape.Rule("tcp", 5432, 5432, null, null, List.of("sg-0db"), null)),
            List.of(new DatabaseShape.Rule("tcp", 443, 443, List.of("10.0.0.0/16"), null, null, null)));

    private DatabaseShape shape(String databaseId) {
        return new DatabaseShape(
                1,
                databaseId,
                DbKind.INSTANCE,
                "orders-prod",
                PROD,
                "eu-central-1",
                Instant.parse("2026-11-25T03:00:00Z"),
                "postgres",
                "16.4",
                "db.r6g.large",
                new DatabaseShape.Storage("gp3", 500, 12000, 500),
                true,
                5433,
                new DatabaseShape.Network(
                        "orders-net",
                        "vpc-prod",
                        List.of(
                                new DatabaseShape.Subnet("subnet-a", "eu-central-1a", "10.0.1.0/24"),
                                new DatabaseShape.Subnet("subnet-b", "eu-central-1b", "10.0.2.0/24")),
                        List.of(DB_SG)),
                new DatabaseShape.ParameterGroup(
                        "orders-pg16",
                        "postgres16",
                        List.of(
                                new DatabaseShape.Parameter("max_connections", "500", "pending-reboot"),
                                new DatabaseShape.Parameter("rds.force_ssl", "1", "immediate"),
                                new DatabaseShape.Parameter(
                                        "shared_preload_libraries", "pg_stat_statements,pg_cron", "pending-reboot"))),
                new DatabaseShape.OptionGroup("default:postgres-16", List.of()),
                true,
                true,
                14,
                true,
                true,
                "rds-ca-rsa4096-g1",
                Map.of(
                        "team",
                        "payments",
                        "cost-center",
                        "42",
                        Tags.MANAGED_BY,
                        "forged",
                        // Forged by production: a verification instance's tag would let verification clean-up
                        // delete the restored database.
                        Tags.VERIFICATION,
                        "20261125T0300",
                        "aws:cloudformation:stack",
                        "x"),
                List.of());
    }

    @BeforeEach
    void copiesAndTheRecord() {
        rds.addKey(BACKUP, "eu-central-1", "backup", false);
        rds.iam = IamModel.deployed(config, IamModel.BackupRole.RESTORE).withDefaultPoliciesFor(rds);
        rds.put(Copies.ordersCopy(VAULT_LOC));
        ShapeRecords.record(vault, shape("orders"), COPY);
    }

    /** The network and parameter group as production had them, still there (restore into the same place). */
    private void everythingStillExists() {
        shapes.parameterGroups.put(VAULT_LOC + "/orders-pg16", shape("orders").parameterGroup());
        shapes.subnetGroups.put(VAULT_LOC + "/orders-net", List.of("subnet-a", "subnet-b"));
        shapes.addSecurityGroup(VAULT_LOC, DB_SG);
    }

    private static RestoringSnapshot.Target target(String instanceClass, boolean createNetwork, List<String> subnets) {
        return new RestoringSnapshot.Target(
                "orders-restored",
                null,
                null,
                instanceClass,
                null,
                List.of(),
                null,
                null,
                null,
                true,
                null,
                createNetwork,
                subnets,
                Set.of(),
                false);
    }

    private RestoringSnapshot.Result run(RestoringSnapshot.Target t, boolean dryRun) {
        return restoring.advance(config, new RestoringSnapshot.Command("orders", "latest", t, dryRun));
    }

    private static RestoreShape.Choice choice(RestoringSnapshot.Result r, String field) {
        return r.choices().stream()
                .filter(c -> c.field().equals(field))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no choice " + field + " in " + r.choices()));
    }

    @Test
    void whenEverythingStillExists_theRestoreTakesTheRecordedShape_andSaysSo() {
        everythingStillExists();

        RestoringSnapshot.Result plan = run(target(null, false, List.of()), true);
        assertThat(plan.status()).isEqualTo(RestoringSnapshot.Status.PLANNED);
        assertThat(choice(plan, "DBInstanceClass"))
                .isEqualTo(new RestoreShape.Choice("DBInstanceClass", "db.r6g.large", RestoreShape.Origin.RECORDED));
        assertThat(choice(plan, "DBParameterGroupName").value()).isEqualTo("orders-pg16");
        assertThat(choice(plan, "DBSubnetGroupName").origin()).isEqualTo(RestoreShape.Origin.RECORDED);
        assertThat(plan.plan())
                .singleElement()
                .satisfies(c -> assertThat(c.detail())
                        .contains(
                                "DBInstanceClass=db.r6g.large",
                                "MultiAZ=true",
                                "Port=5433",
                                "StorageType=gp3",
                                "AllocatedStorage=500",
                                "Iops=12000",
                                "StorageThroughput=500",
                                "EnableIAMDatabaseAuthentication=true",
                                "CACertificateIdentifier=rds-ca-rsa4096-g1",
                                "DBSubnetGroupName=orders-net",
                                "VpcSecurityGroupIds=sg-0db"));
        assertThat(plan.notes()).anySatisfy(n -> assertThat(n).contains("Performance Insights"));
        assertThat(rds.restores).isEmpty();

        run(target(null, false, List.of()), false);
        assertThat(rds.restores).singleElement().satisfies(spec -> {
            assertThat(spec.instanceClass()).isEqualTo("db.r6g.large");
            assertThat(spec.multiAz()).isTrue();
            assertThat(spec.parameterGroup()).isEqualTo("orders-pg16");
            assertThat(spec.subnetGroup()).isEqualTo("orders-net");
            assertThat(spec.securityGroups()).containsExactly("sg-0db");
            assertThat(spec.shaped())
                    .isEqualTo(new dev.lifeboat.core.port.RdsGateway.Shaped(
                            5433, "gp3", 500, 12000, 500, true, "rds-ca-rsa4096-g1"));
            // Production's tags come back; its lifeboat: and aws: keys do not pass for Lifeboat's own.
            assertThat(spec.tags())
                    .containsEntry("team", "payments")
                    .containsEntry("cost-center", "42")
                    .containsEntry(Tags.MANAGED_BY, "lifeboat")
                    .containsEntry(RestoreShape.RESTORE_TAG, "orders-restored")
                    .doesNotContainKeys("aws:cloudformation:stack", Tags.VERIFICATION);
        });
        assertThat(shapes.calls).isEmpty();
    }

    @Test
    void anOverride_winsOverTheRecord_andIsShownAsGiven() {
        everythingStillExists();
        RestoringSnapshot.Result plan = run(target("db.r6g.xlarge", false, List.of()), true);
        assertThat(choice(plan, "DBInstanceClass"))
                .isEqualTo(new RestoreShape.Choice("DBInstanceClass", "db.r6g.xlarge", RestoreShape.Origin.OVERRIDDEN));
    }

    @Test
    void aDeletedParameterGroup_isRecreatedWithTheRecordedValues_andTagged() {
        everythingStillExists();
        shapes.parameterGroups.clear(); // terraform destroy took it with the instance

        RestoringSnapshot.Result plan = run(target(null, false, List.of()), true);
        assertThat(choice(plan, "DBParameterGroupName"))
                .isEqualTo(new RestoreShape.Choice(
                        "DBParameterGroupName", "orders-pg16-lifeboat-20261125", RestoreShape.Origin.CREATED));
        assertThat(plan.plan())
                .extracting(RestoringSnapshot.Call::api)
                .containsExactly("CreateDBParameterGroup", "ModifyDBParameterGroup", "RestoreDBInstanceFromDBSnapshot");
        assertThat(plan.notes()).anySatisfy(n -> assertThat(n).contains("orders-pg16 no longer exists"));
        assertThat(shapes.parameterGroups).isEmpty();

        run(target(null, false, List.of()), false);
        DatabaseShape.ParameterGroup made = shapes.parameterGroups.get(VAULT_LOC + "/orders-pg16-lifeboat-20261125");
        assertThat(made.family()).isEqualTo("postgres16");
        assertThat(made.values()).isEqualTo(shape("orders").parameterGroup().values());
        assertThat(shapes.createdTags.get(VAULT_LOC + "/orders-pg16-lifeboat-20261125"))
                .containsEntry(RestoreShape.RESTORE_TAG, "orders-restored");
        assertThat(rds.restores)
                .singleElement()
                .satisfies(spec -> assertThat(spec.parameterGroup()).isEqualTo("orders-pg16-lifeboat-20261125"));
    }

    @Test
    void aGroupThatDriftedFromTheRecord_isLeftAlone_andANewOneMadeWithTheRecordedValues() {
        everythingStillExists();
        shapes.parameterGroups.put(
                VAULT_LOC + "/orders-pg16",
                new DatabaseShape.ParameterGroup(
                        "orders-pg16",
                        "postgres16",
                        List.of(new DatabaseShape.Parameter("max_connections", "50", "x"))));
        run(target(null, false, List.of()), false);
        assertThat(shapes.parameterGroups.get(VAULT_LOC + "/orders-pg16").values())
                .isEqualTo(Map.of("max_connections", "50"));
        assertThat(rds.restores.getFirst().parameterGroup()).isEqualTo("orders-pg16-lifeboat-20261125");
    }

    @Test
    void aGroupAnEarlierCallOfThisRestoreMade_isReused_notMadeTwice() {
        everythingStillExists();
        shapes.parameterGroups.clear();
        shapes.parameterGroups.put(
                VAULT_LOC + "/orders-pg16-lifeboat-20261125",
                new DatabaseShape.ParameterGroup(
                        "orders-pg16-lifeboat-20261125",
                        "postgres16",
                        shape("orders").parameterGroup().parameters()));
        run(target(null, false, List.of()), false);
        assertThat(shapes.calls).noneMatch(c -> c.startsWith("CreateDBParameterGroup"));
        assertThat(rds.restores.getFirst().parameterGroup()).isEqualTo("orders-pg16-lifeboat-20261125");

        // Same name, other values: not ours to use or change.
        shapes.parameterGroups.put(
                VAULT_LOC + "/orders-pg16-lifeboat-20261125",
                new DatabaseShape.ParameterGroup("orders-pg16-lifeboat-20261125", "postgres16", List.of()));
        assertThatThrownBy(() -> run(target(null, false, List.of()), true))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("other values");
    }

    @Test
    void parametersTheTargetEngineDoesNotAccept_areListedByName_notDropped_unlessAsked() {
        everythingStillExists();
        shapes.parameterGroups.clear();
        shapes.familyParameters.put("postgres16", Set.of("max_connections", "shared_preload_libraries"));

        assertThatThrownBy(() -> run(target(null, false, List.of()), true))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("rds.force_ssl")
                .satisfies(e -> assertThat(((RefusedException) e).hint()).contains("--drop-parameter"));
        assertThat(rds.restores).isEmpty();

        RestoringSnapshot.Target dropping = new RestoringSnapshot.Target(
                "orders-restored",
                null,
                null,
                null,
                null,
                List.of(),
                null,
                null,
                null,
                true,
                null,
                false,
                List.of(),
                Set.of("rds.force_ssl"),
                false);
        RestoringSnapshot.Result r = run(dropping, false);
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("without rds.force_ssl"));
        assertThat(shapes.parameterGroups
                        .get(VAULT_LOC + "/orders-pg16-lifeboat-20261125")
                        .values())
                .containsOnlyKeys("max_connections", "shared_preload_libraries");
    }

    @Test
    void aDeletedNetwork_isRefused_namingWhatToPass_andNothingIsMade() {
        shapes.parameterGroups.put(VAULT_LOC + "/orders-pg16", shape("orders").parameterGroup());
        assertThatThrownBy(() -> run(target(null, false, List.of()), false))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("orders-net")
                .satisfies(e -> assertThat(((RefusedException) e).hint())
                        .contains("--subnet-group", "--security-group", "--create-network"));
        assertThat(rds.restores).isEmpty();
        assertThat(shapes.calls).isEmpty();
    }

    @Test
    void createNetwork_makesTheSubnetGroupAndTheRecordedRules_neverMoreOpen() {
        shapes.parameterGroups.put(VAULT_LOC + "/orders-pg16", shape("orders").parameterGroup());
        shapes.subnets.put(VAULT_LOC + "/subnet-new-a", "vpc-new");
        shapes.subnets.put(VAULT_LOC + "/subnet-new-b", "vpc-new");

        RestoringSnapshot.Target t = target(null, true, List.of("subnet-new-a", "subnet-new-b"));
        RestoringSnapshot.Result plan = run(t, true);
        assertThat(plan.notes())
                .anySatisfy(n -> assertThat(n).contains("sg-0app").contains("no longer exist"));
        assertThat(plan.plan())
                .extracting(RestoringSnapshot.Call::api)
                .containsExactly("CreateDBSubnetGroup", "CreateSecurityGroup", "RestoreDBInstanceFromDBSnapshot");
        assertThat(plan.notes())
                .anySatisfy(n -> assertThat(n)
                        .contains("orders-db-lifeboat-orders-restored (as sg-0db): ingress tcp port 5432 10.0.0.0/16"));
        assertThat(plan.notes()).noneSatisfy(n -> assertThat(n).contains("WARNING"));
        assertThat(shapes.calls).isEmpty();

        run(t, false);
        assertThat(shapes.subnetGroups)
                .containsEntry(VAULT_LOC + "/orders-restored-lifeboat", List.of("subnet-new-a", "subnet-new-b"));
        String made = rds.restores.getFirst().securityGroups().getFirst();
        DatabaseShape.SecurityGroup g = shapes.securityGroups.get(VAULT_LOC + "/" + made);
        assertThat(g.vpcId()).isEqualTo("vpc-new");
        assertThat(g.name()).isEqualTo("orders-db-lifeboat-orders-restored");
        // The recorded CIDR rule as it was; the rule from the deleted app group is not recreated (it would need a
        // group that is gone); the group's rule naming itself names the new group.
        assertThat(g.ingress())
                .containsExactlyInAnyOrder(
                        new DatabaseShape.Rule("tcp", 5432, 5432, List.of("10.0.0.0/16"), null, null, null),
                        new DatabaseShape.Rule("tcp", 5432, 5432, null, null, List.of(made), null));
        assertThat(g.egress()).containsExactly(DB_SG.egress().getFirst());
        assertThat(rds.restores.getFirst().subnetGroup()).isEqualTo("orders-restored-lifeboat");
        assertThat(shapes.createdTags.get(VAULT_LOC + "/" + made))
                .containsEntry(RestoreShape.RESTORE_TAG, "orders-restored");
    }

    /**
     * A subnet group or security group of the names --create-network uses, planted beforehand (or changed since an
     * earlier call): used only when it is exactly what the record asks for; never more open than recorded.
     */
    @Test
    void aPlantedNetwork_ofTheNamesARestoreUses_isRefused_notUsed() {
        shapes.parameterGroups.put(VAULT_LOC + "/orders-pg16", shape("orders").parameterGroup());
        shapes.subnets.put(VAULT_LOC + "/subnet-new-a", "vpc-new");
        shapes.subnets.put(VAULT_LOC + "/subnet-new-b", "vpc-new");
        RestoringSnapshot.Target t = target(null, true, List.of("subnet-new-a", "subnet-new-b"));

        shapes.subnetGroups.put(VAULT_LOC + "/orders-restored-lifeboat", List.of("subnet-public-a", "subnet-public-b"));
        assertThatThrownBy(() -> run(t, false))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("other subnets");
        assertThat(rds.restores).isEmpty();

        shapes.subnetGroups.put(VAULT_LOC + "/orders-restored-lifeboat", List.of("subnet-new-a", "subnet-new-b"));
        shapes.addSecurityGroup(
                VAULT_LOC,
                new DatabaseShape.SecurityGroup(
                        "sg-planted",
                        "orders-db-lifeboat-orders-restored",
                        "planted",
                        "vpc-new",
                        List.of(new DatabaseShape.Rule("tcp", 5432, 5432, List.of("0.0.0.0/0"), null, null, null)),
                        List.of()));
        assertThatThrownBy(() -> run(t, false))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("admits more than the recorded rules")
                .hasMessageContaining("0.0.0.0/0");
        assertThat(rds.restores).isEmpty();
    }

    /** terraform destroy took the option group too: made again with the recorded options and settings. */
    @Test
    void aDeletedOptionGroup_isRecreatedWithTheRecordedOptions() {
        everythingStillExists();
        DatabaseShape s = shape("orders");
        DatabaseShape.OptionGroup audit = new DatabaseShape.OptionGroup(
                "orders-og",
                List.of(new DatabaseShape.Option(
                        "MARIADB_AUDIT_PLUGIN", null, null, Map.of("SERVER_AUDIT_EVENTS", "CONNECT,QUERY"))));
        vault.objects.clear();
        ShapeRecords.record(
                vault,
                new DatabaseShape(
                        1,
                        "orders",
                        DbKind.INSTANCE,
                        "orders-prod",
                        PROD,
                        "eu-central-1",
                        s.recordedAt(),
                        "mariadb",
                        "10.11.6",
                        s.instanceClass(),
                        s.storage(),
                        s.multiAz(),
                        s.port(),
                        s.network(),
                        s.parameterGroup(),
                        audit,
                        false,
                        false,
                        7,
                        true,
                        true,
                        null,
                        Map.of(),
                        List.of()),
                COPY);

        RestoringSnapshot.Result plan = run(target(null, false, List.of()), true);
        assertThat(choice(plan, "OptionGroupName"))
                .isEqualTo(new RestoreShape.Choice(
                        "OptionGroupName", "orders-og-lifeboat-20261125", RestoreShape.Origin.CREATED));
        assertThat(plan.plan())
                .extracting(RestoringSnapshot.Call::api)
                .contains("CreateOptionGroup", "ModifyOptionGroup");

        run(target(null, false, List.of()), false);
        assertThat(shapes.calls).contains("CreateOptionGroup orders-og-lifeboat-20261125 mariadb 10.11");
        assertThat(shapes.optionGroupOptions.get(VAULT_LOC + "/orders-og-lifeboat-20261125"))
                .isEqualTo(audit.options());
        assertThat(rds.restores.getFirst().optionGroup()).isEqualTo("orders-og-lifeboat-20261125");
    }

    /** Production can open its own group to the world before a run records it: recreated as recorded, said loudly. */
    @Test
    void aRecordedRuleOpenToTheWorld_isRecreatedAsRecorded_withAWarning() {
        DatabaseShape open = shape("orders");
        DatabaseShape.SecurityGroup world = new DatabaseShape.SecurityGroup(
                "sg-0db",
                "orders-db",
                "orders",
                "vpc-prod",
                List.of(new DatabaseShape.Rule("tcp", 5432, 5432, List.of("0.0.0.0/0"), null, null, null)),
                List.of());
        vault.objects.clear();
        ShapeRecords.record(
                vault,
                new DatabaseShape(
                        1,
                        "orders",
                        DbKind.INSTANCE,
                        "orders-prod",
                        PROD,
                        "eu-central-1",
                        open.recordedAt(),
                        open.engine(),
                        open.engineVersion(),
                        open.instanceClass(),
                        open.storage(),
                        open.multiAz(),
                        open.port(),
                        new DatabaseShape.Network("orders-net", "vpc-prod", List.of(), List.of(world)),
                        open.parameterGroup(),
                        open.optionGroup(),
                        false,
                        false,
                        7,
                        true,
                        true,
                        null,
                        Map.of(),
                        List.of()),
                COPY);
        shapes.parameterGroups.put(VAULT_LOC + "/orders-pg16", open.parameterGroup());
        shapes.subnets.put(VAULT_LOC + "/subnet-new-a", "vpc-new");
        shapes.subnets.put(VAULT_LOC + "/subnet-new-b", "vpc-new");

        RestoringSnapshot.Result plan = run(target(null, true, List.of("subnet-new-a", "subnet-new-b")), true);

        assertThat(plan.notes())
                .anySatisfy(n -> assertThat(n).startsWith("WARNING").contains("whole internet", "tcp port 5432"));
    }

    @Test
    void withoutARecord_theRestoreSaysSo_andUsesTheDefaults() {
        vault.objects.clear();
        RestoringSnapshot.Result plan = run(target(null, false, List.of()), true);
        assertThat(plan.notes()).anySatisfy(n -> assertThat(n).contains("no shape was recorded"));
        assertThat(choice(plan, "DBInstanceClass").origin()).isEqualTo(RestoreShape.Origin.DEFAULT);
        assertThat(choice(plan, "DBInstanceClass").value())
                .isEqualTo(dev.lifeboat.core.shape.RestoreShape.DEFAULT_INSTANCE_CLASS);
    }

    @Test
    void aPlantedOrCorruptRecord_isRefused_notFollowed_andNoShapeGoesOn() {
        everythingStillExists();
        vault.objects.put(ShapeRecords.key("orders", COPY), ShapeRecords.encode(shape("payments")));
        assertThatThrownBy(() -> run(target(null, false, List.of()), true))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("'payments'");

        vault.objects.put(
                ShapeRecords.key("orders", COPY),
                "{\"version\": 1, \"instanceClass\": ".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> run(target(null, false, List.of()), true))
                .isInstanceOf(VaultException.class)
                .satisfies(e -> assertThat(((VaultException) e).hint()).contains("--no-shape"));

        RestoringSnapshot.Target noShape = new RestoringSnapshot.Target(
                "orders-restored",
                null,
                null,
                null,
                null,
                List.of(),
                null,
                null,
                null,
                true,
                null,
                false,
                List.of(),
                Set.of(),
                true);
        RestoringSnapshot.Result r = run(noShape, false);
        assertThat(r.notes()).first().asString().contains("--no-shape");
        assertThat(rds.restores.getFirst().instanceClass())
                .isEqualTo(dev.lifeboat.core.shape.RestoreShape.DEFAULT_INSTANCE_CLASS);
    }
}
