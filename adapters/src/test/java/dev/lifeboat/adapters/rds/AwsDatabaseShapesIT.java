package dev.lifeboat.adapters.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.adapters.aws.AccountCredentials;
import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.shape.ShapeRecords;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Issue 14: a database's shape captured through the source account's role against moto's RDS and EC2 (a custom
 * parameter group, an option group, a DB subnet group of two subnets, security groups with rules, storage, tags),
 * round-tripped through the vault; and the target-side calls a restore makes to find or recreate what the shape names.
 */
@ExtendWith(RealParts.class)
class AwsDatabaseShapesIT {
    static final String BACKUP = "123456789012";
    static final String PROD = "111111111111";
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final Location source = new Location(PROD, "eu-west-1");
    private final Instant now = Instant.parse("2026-11-26T03:00:00Z");
    private AccountCredentials credentials;
    private AwsDatabaseShapes shapes;
    private RdsClient rds;
    private Ec2Client ec2;

    @BeforeEach
    void setUp(MotoServer moto) {
        StsClient sts = StsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.US_EAST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
        credentials = new AccountCredentials(
                BACKUP,
                Map.of(
                        PROD,
                        new AccountCredentials.AssumedRole(
                                "arn:aws:iam::" + PROD + ":role/lifeboat-source", "lifeboat-ext")),
                sts,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
        shapes = new AwsDatabaseShapes(credentials, moto.clients(), Clock.fixed(now, ZoneOffset.UTC));
        rds = moto.clients().rds("eu-west-1", credentials.forAccount(PROD));
        ec2 = moto.clients().ec2("eu-west-1", credentials.forAccount(PROD));
    }

    @AfterEach
    void tearDown() {
        shapes.close();
        rds.close();
        ec2.close();
    }

    record Network(String vpc, String subnetA, String subnetB, String db, String app) {}

    private Network network() {
        String vpc = ec2.createVpc(b -> b.cidrBlock("10.9.0.0/16")).vpc().vpcId();
        String a = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.9.1.0/24").availabilityZone("eu-west-1a"))
                .subnet()
                .subnetId();
        String bb = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.9.2.0/24").availabilityZone("eu-west-1b"))
                .subnet()
                .subnetId();
        String app = ec2.createSecurityGroup(
                        b -> b.groupName("app-" + suffix).description("app").vpcId(vpc))
                .groupId();
        String db = ec2.createSecurityGroup(b ->
                        b.groupName("orders-db-" + suffix).description("db").vpcId(vpc))
                .groupId();
        ec2.authorizeSecurityGroupIngress(b -> b.groupId(db)
                .ipPermissions(
                        IpPermission.builder()
                                .ipProtocol("tcp")
                                .fromPort(5432)
                                .toPort(5432)
                                .ipRanges(
                                        IpRange.builder().cidrIp("10.9.0.0/16").build())
                                .build(),
                        IpPermission.builder()
                                .ipProtocol("tcp")
                                .fromPort(5432)
                                .toPort(5432)
                                .userIdGroupPairs(
                                        UserIdGroupPair.builder().groupId(app).build())
                                .build()));
        return new Network(vpc, a, bb, db, app);
    }

    private String orders(Network n) {
        String id = "orders-" + suffix;
        rds.createDBSubnetGroup(b -> b.dbSubnetGroupName("orders-net-" + suffix)
                .dbSubnetGroupDescription("orders")
                .subnetIds(n.subnetA(), n.subnetB()));
        rds.createDBParameterGroup(b -> b.dbParameterGroupName("orders-pg16-" + suffix)
                .dbParameterGroupFamily("postgres16")
                .description("orders"));
        rds.modifyDBParameterGroup(b -> b.dbParameterGroupName("orders-pg16-" + suffix)
                .parameters(
                        Parameter.builder()
                                .parameterName("work_mem")
                                .parameterValue("65536")
                                .applyMethod(ApplyMethod.IMMEDIATE)
                                .build(),
                        Parameter.builder()
                                .parameterName("shared_preload_libraries")
                                .parameterValue("pg_stat_statements,pg_cron")
                                .applyMethod(ApplyMethod.PENDING_REBOOT)
                                .build()));
        rds.createDBInstance(b -> b.dbInstanceIdentifier(id)
                .engine("postgres")
                .engineVersion("16.4")
                .dbInstanceClass("db.r6g.large")
                .allocatedStorage(500)
                .storageType("gp3")
                .iops(12000)
                .storageThroughput(500)
                .multiAZ(true)
                .port(5433)
                .masterUsername("app")
                .masterUserPassword("not-a-real-password-1")
                .dbSubnetGroupName("orders-net-" + suffix)
                .vpcSecurityGroupIds(n.db())
                .dbParameterGroupName("orders-pg16-" + suffix)
                .enableIAMDatabaseAuthentication(true)
                .deletionProtection(false)
                .copyTagsToSnapshot(true)
                .backupRetentionPeriod(7)
                .tags(
                        Tag.builder().key("team").value("payments").build(),
                        Tag.builder().key("lifeboat:managed-by").value("forged").build()));
        return id;
    }

    @Test
    void theShapeOfAnInstance_isCapturedWhole_andRoundTripsThroughTheVault(@TempDir Path dir) {
        Network n = network();
        String id = orders(n);

        DatabaseShape shape =
                shapes.describe(source, DbKind.INSTANCE, id, "orders").orElseThrow();

        assertThat(shape.databaseId()).isEqualTo("orders");
        assertThat(shape.identifier()).isEqualTo(id);
        assertThat(shape.account()).isEqualTo(PROD);
        assertThat(shape.recordedAt()).isEqualTo(now);
        assertThat(shape.engine()).isEqualTo("postgres");
        assertThat(shape.engineVersion()).isEqualTo("16.4");
        assertThat(shape.instanceClass()).isEqualTo("db.r6g.large");
        assertThat(shape.storage()).isEqualTo(new DatabaseShape.Storage("gp3", 500, 12000, 500));
        assertThat(shape.multiAz()).isTrue();
        assertThat(shape.port()).isEqualTo(5433);
        assertThat(shape.iamAuthentication()).isTrue();
        assertThat(shape.backupRetentionDays()).isEqualTo(7);
        assertThat(shape.copyTagsToSnapshot()).isTrue();
        assertThat(shape.tags()).containsEntry("team", "payments");
        assertThat(shape.parameterGroup().name()).isEqualTo("orders-pg16-" + suffix);
        assertThat(shape.parameterGroup().family()).isEqualTo("postgres16");
        assertThat(shape.parameterGroup().values())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("work_mem", "65536", "shared_preload_libraries", "pg_stat_statements,pg_cron"));
        DatabaseShape.Network net = shape.network();
        assertThat(net.subnetGroup()).isEqualTo("orders-net-" + suffix);
        assertThat(net.vpcId()).isEqualTo(n.vpc());
        assertThat(net.subnets())
                .extracting(
                        DatabaseShape.Subnet::id, DatabaseShape.Subnet::availabilityZone, DatabaseShape.Subnet::cidr)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(n.subnetA(), "eu-west-1a", "10.9.1.0/24"),
                        org.assertj.core.groups.Tuple.tuple(n.subnetB(), "eu-west-1b", "10.9.2.0/24"));
        assertThat(net.securityGroupIds()).containsExactly(n.db());
        DatabaseShape.SecurityGroup db = net.securityGroups().getFirst();
        assertThat(db.name()).isEqualTo("orders-db-" + suffix);
        assertThat(db.ingress())
                .anySatisfy(r -> assertThat(r.ipv4Ranges()).containsExactly("10.9.0.0/16"))
                .anySatisfy(r -> assertThat(r.groupIds()).containsExactly(n.app()))
                .allSatisfy(r -> {
                    assertThat(r.protocol()).isEqualTo("tcp");
                    assertThat(r.fromPort()).isEqualTo(5432);
                });
        assertThat(db.egress()).anySatisfy(r -> assertThat(r.ipv4Ranges()).contains("0.0.0.0/0"));

        LocalDirectoryVault vault = new LocalDirectoryVault(dir);
        assertThat(ShapeRecords.record(vault, shape, "lifeboat-orders-20261126-0300"))
                .isTrue();
        assertThat(ShapeRecords.record(vault, shape, "lifeboat-orders-20261126-0300"))
                .as("write-once: a second run's record changes nothing")
                .isFalse();
        assertThat(ShapeRecords.read(vault, "orders", "lifeboat-orders-20261126-0300"))
                .contains(shape);
        assertThat(new String(ShapeRecords.encode(shape), java.nio.charset.StandardCharsets.UTF_8))
                .as("the record never holds the master password")
                .doesNotContain("not-a-real-password-1");
    }

    /**
     * {@code lifeboat restore --from dump --create-instance}: CreateDBInstance with the values a recorded shape gives,
     * described back as that shape (class, storage, Multi-AZ, port, groups, encryption, tags).
     */
    @Test
    void anEmptyInstance_isMadeWithTheRecordedValues(MotoServer moto) {
        Network n = network();
        rds.createDBSubnetGroup(b -> b.dbSubnetGroupName("made-net-" + suffix)
                .dbSubnetGroupDescription("made")
                .subnetIds(n.subnetA(), n.subnetB()));
        AwsRdsGateway gateway = new AwsRdsGateway(credentials, moto.clients());
        String key = moto.clients()
                .kms("eu-west-1", credentials.forAccount(PROD))
                .createKey(b -> b.description("made"))
                .keyMetadata()
                .arn();
        String id = "made-" + suffix;
        var made = gateway.createInstance(
                source,
                new dev.lifeboat.core.port.RdsDatabases.NewInstance(
                        new dev.lifeboat.core.port.RdsGateway.RestoreSpec(
                                null,
                                id,
                                "postgres",
                                "db.r6g.xlarge",
                                "made-net-" + suffix,
                                List.of(n.db()),
                                null,
                                null,
                                true,
                                true,
                                Map.of("lifeboat:restore", id, "team", "payments"),
                                new dev.lifeboat.core.port.RdsGateway.Shaped(
                                        5433, "gp3", 500, 12000, 500, false, null)),
                        "16.4",
                        "lifeboat",
                        dev.lifeboat.core.model.Secret.of("a-password-of-48-characters-000000000000000000000"),
                        key));
        assertThat(made.identifier()).isEqualTo(id);

        DatabaseShape s = shapes.describe(source, DbKind.INSTANCE, id, "orders").orElseThrow();
        assertThat(s.instanceClass()).isEqualTo("db.r6g.xlarge");
        assertThat(s.storage()).isEqualTo(new DatabaseShape.Storage("gp3", 500, 12000, 500));
        assertThat(s.multiAz()).isTrue();
        assertThat(s.port()).isEqualTo(5433);
        assertThat(s.deletionProtection()).isTrue();
        assertThat(s.network().subnetGroup()).isEqualTo("made-net-" + suffix);
        assertThat(s.network().securityGroupIds()).containsExactly(n.db());
        assertThat(s.tags()).containsEntry("team", "payments");
        assertThat(rds.describeDBInstances(b -> b.dbInstanceIdentifier(id))
                        .dbInstances()
                        .getFirst()
                        .storageEncrypted())
                .isTrue();
        gateway.close();
    }

    /** An Aurora cluster: its cluster parameter group's values, its writer's class, every member. */
    @Test
    void theShapeOfACluster_namesItsParameterGroup_writerAndMembers() {
        Network n = network();
        String id = "ledger-" + suffix;
        rds.createDBSubnetGroup(b -> b.dbSubnetGroupName("ledger-net-" + suffix)
                .dbSubnetGroupDescription("ledger")
                .subnetIds(n.subnetA(), n.subnetB()));
        rds.createDBClusterParameterGroup(b -> b.dbClusterParameterGroupName("ledger-cpg-" + suffix)
                .dbParameterGroupFamily("aurora-postgresql16")
                .description("ledger"));
        rds.modifyDBClusterParameterGroup(b -> b.dbClusterParameterGroupName("ledger-cpg-" + suffix)
                .parameters(Parameter.builder()
                        .parameterName("rds.force_ssl")
                        .parameterValue("1")
                        .applyMethod(ApplyMethod.PENDING_REBOOT)
                        .build()));
        rds.createDBCluster(b -> b.dbClusterIdentifier(id)
                .engine("aurora-postgresql")
                .engineVersion("16.4")
                .masterUsername("app")
                .masterUserPassword("not-a-real-password-1")
                .dbSubnetGroupName("ledger-net-" + suffix)
                .vpcSecurityGroupIds(n.db())
                .dbClusterParameterGroupName("ledger-cpg-" + suffix)
                .port(5432)
                .tags(Tag.builder().key("team").value("ledger").build()));
        rds.createDBInstance(b -> b.dbInstanceIdentifier(id + "-1")
                .dbClusterIdentifier(id)
                .engine("aurora-postgresql")
                .dbInstanceClass("db.r6g.2xlarge"));

        DatabaseShape shape =
                shapes.describe(source, DbKind.CLUSTER, id, "ledger").orElseThrow();

        assertThat(shape.kind()).isEqualTo(DbKind.CLUSTER);
        assertThat(shape.engine()).isEqualTo("aurora-postgresql");
        assertThat(shape.parameterGroup().name()).isEqualTo("ledger-cpg-" + suffix);
        assertThat(shape.parameterGroup().family()).isEqualTo("aurora-postgresql16");
        assertThat(shape.parameterGroup().values()).containsEntry("rds.force_ssl", "1");
        assertThat(shape.members()).singleElement().satisfies(m -> {
            assertThat(m.identifier()).isEqualTo(id + "-1");
            assertThat(m.instanceClass()).isEqualTo("db.r6g.2xlarge");
        });
        assertThat(shape.network().subnetGroup()).isEqualTo("ledger-net-" + suffix);
        assertThat(shape.network().subnets()).hasSize(2);
        assertThat(shape.network().securityGroupIds()).containsExactly(n.db());
        assertThat(shape.tags()).containsEntry("team", "ledger");
    }

    @Test
    void aDatabaseThatIsGone_hasNoShape() {
        assertThat(shapes.describe(source, DbKind.INSTANCE, "nothing-" + suffix, "orders"))
                .isEmpty();
    }

    @Test
    void parameterGroups_areFoundComparedAndRecreated() {
        String name = "orders-pg16-" + suffix + "-lifeboat-20261126";
        assertThat(shapes.parameterGroup(source, DbKind.INSTANCE, name)).isEmpty();
        List<DatabaseShape.Parameter> values = List.of(
                new DatabaseShape.Parameter("max_connections", "500", "pending-reboot"),
                new DatabaseShape.Parameter("work_mem", "65536", "immediate"));
        shapes.createParameterGroup(
                source, DbKind.INSTANCE, name, "postgres16", "recreated", values, Map.of("lifeboat:restore", "x"));

        // A second call at the same moment: the group exists; the values are set again, nothing fails.
        shapes.createParameterGroup(
                source, DbKind.INSTANCE, name, "postgres16", "recreated", values, Map.of("lifeboat:restore", "x"));
        DatabaseShape.ParameterGroup made =
                shapes.parameterGroup(source, DbKind.INSTANCE, name).orElseThrow();
        assertThat(made.family()).isEqualTo("postgres16");
        assertThat(made.values()).isEqualTo(Map.of("max_connections", "500", "work_mem", "65536"));
        // An option group made from recorded options, described back with its settings.
        DatabaseShape.Option audit =
                new DatabaseShape.Option("MARIADB_AUDIT_PLUGIN", null, null, Map.of("SERVER_AUDIT_EVENTS", "CONNECT"));
        shapes.createOptionGroup(
                source,
                "shop-og-" + suffix + "-lifeboat-20261126",
                "mysql",
                "8.0",
                "recreated",
                List.of(audit),
                Map.of("lifeboat:restore", "x"));
        assertThat(shapes.optionGroupExists(source, "shop-og-" + suffix + "-lifeboat-20261126"))
                .isTrue();
        assertThat(rds.describeOptionGroups(b -> b.optionGroupName("shop-og-" + suffix + "-lifeboat-20261126"))
                        .optionGroupsList()
                        .getFirst()
                        .options())
                .singleElement()
                .satisfies(o -> assertThat(o.optionName()).isEqualTo("MARIADB_AUDIT_PLUGIN"));
        // moto does not implement DescribeEngineDefaultParameters: the adapter says it could not check, and the plan
        // says so (RestoreShapeTest covers the refusal with a Region that answers).
        assertThat(shapes.acceptedParameters(source, DbKind.INSTANCE, "postgres16"))
                .isEmpty();
    }

    @Test
    void networks_areFoundOrCreatedWithTheRecordedRules_neverMoreOpen() {
        Network n = network();
        assertThat(shapes.subnetGroupExists(source, "nothing-" + suffix)).isFalse();
        assertThat(shapes.existingSecurityGroups(source, List.of(n.db(), "sg-0123456789abcdef0")))
                .containsExactly(n.db());
        assertThat(shapes.vpcOfSubnets(source, List.of(n.subnetA(), n.subnetB())))
                .isEqualTo(n.vpc());
        assertThatThrownBy(() -> shapes.vpcOfSubnets(source, List.of(n.subnetA(), "subnet-0123456789abcdef0")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--subnet");

        shapes.createSubnetGroup(
                source,
                "restored-" + suffix,
                "restore",
                List.of(n.subnetA(), n.subnetB()),
                Map.of("lifeboat:restore", "x"));
        assertThat(shapes.subnetGroupExists(source, "restored-" + suffix)).isTrue();

        String made = shapes.createSecurityGroup(
                source, n.vpc(), "orders-db-lifeboat-" + suffix, "recreated", Map.of("lifeboat:restore", "x"));
        assertThat(shapes.securityGroupNamed(source, n.vpc(), "orders-db-lifeboat-" + suffix))
                .contains(made);
        List<DatabaseShape.Rule> ingress = List.of(
                new DatabaseShape.Rule("tcp", 5432, 5432, List.of("10.9.0.0/16"), null, null, null),
                new DatabaseShape.Rule("tcp", 5432, 5432, null, null, List.of(n.app()), null));
        List<DatabaseShape.Rule> egress =
                List.of(new DatabaseShape.Rule("tcp", 443, 443, List.of("10.9.0.0/16"), null, null, null));
        shapes.setRules(source, made, ingress, egress);
        shapes.setRules(source, made, ingress, egress); // a second call of the same restore adds nothing
        // Two calls of one restore at once: the second create finds the first's group, subnet group, parameter group.
        assertThat(shapes.createSecurityGroup(
                        source, n.vpc(), "orders-db-lifeboat-" + suffix, "recreated", Map.of("lifeboat:restore", "x")))
                .isEqualTo(made);
        shapes.createSubnetGroup(
                source,
                "restored-" + suffix,
                "restore",
                List.of(n.subnetA(), n.subnetB()),
                Map.of("lifeboat:restore", "x"));
        assertThat(shapes.subnetGroupSubnets(source, "restored-" + suffix))
                .contains(java.util.Set.of(n.subnetA(), n.subnetB()));
        assertThat(shapes.subnetGroupSubnets(source, "nothing-" + suffix)).isEmpty();
        assertThat(shapes.securityGroup(source, made).orElseThrow().ingress()).isNotEmpty();
        assertThat(shapes.securityGroup(source, "sg-0123456789abcdef0")).isEmpty();

        var g = ec2.describeSecurityGroups(b -> b.groupIds(made))
                .securityGroups()
                .getFirst();
        // EC2 describes the rules of one protocol and port range as one permission.
        assertThat(g.ipPermissions()).singleElement().satisfies(p -> {
            assertThat(p.fromPort()).isEqualTo(5432);
            assertThat(p.ipRanges()).extracting(IpRange::cidrIp).containsExactly("10.9.0.0/16");
            assertThat(p.userIdGroupPairs())
                    .extracting(UserIdGroupPair::groupId)
                    .containsExactly(n.app());
        });
        assertThat(g.ipPermissionsEgress())
                .as("the default allow-all egress is gone: the record had none")
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.fromPort()).isEqualTo(443);
                    assertThat(p.ipRanges()).extracting(IpRange::cidrIp).containsExactly("10.9.0.0/16");
                });
    }
}
