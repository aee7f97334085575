package dev.lifeboat.adapters.rds;

import dev.lifeboat.adapters.aws.AccountCredentials;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.DatabaseShapes;
import dev.lifeboat.core.testing.ShapesContract;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.PrefixListId;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.Tag;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The RDS and EC2 adapter keeps the shapes' contract against moto, through the source account's role as in
 * AwsDatabaseShapesIT, as the fake the restore's tests run on does. moto is shared and not reset: every name is new.
 * Three documented RDS rules moto lacks are kept by {@link RdsRulesFront}, between the adapter and moto; the world is
 * arranged with SDK clients straight to moto.
 */
@ExtendWith(RealParts.class)
class AwsDatabaseShapesContractIT extends ShapesContract {
    private static final String BACKUP = "123456789012";
    private static final String PROD = "111111111111";
    private static final Location HERE = new Location(PROD, "eu-west-1");
    private static final Location ELSEWHERE = new Location(PROD, "eu-central-1");

    private RdsRulesFront front;
    private AwsDatabaseShapes shapes;
    private StsClient sts;
    private RdsClient rds;
    private Ec2Client ec2;

    @BeforeEach
    void setUp(MotoServer moto) throws IOException {
        sts = StsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.US_EAST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
        AccountCredentials credentials = new AccountCredentials(
                BACKUP,
                Map.of(
                        PROD,
                        new AccountCredentials.AssumedRole(
                                "arn:aws:iam::" + PROD + ":role/lifeboat-source", "lifeboat-ext")),
                sts,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
        front = new RdsRulesFront(moto.endpoint());
        shapes = new AwsDatabaseShapes(
                credentials,
                MotoServer.clients(front.endpoint(), HERE.region()),
                Clock.fixed(Instant.parse("2026-11-26T03:00:00Z"), ZoneOffset.UTC));
        rds = moto.clients().rds(HERE.region(), credentials.forAccount(PROD));
        ec2 = moto.clients().ec2(HERE.region(), credentials.forAccount(PROD));
    }

    @AfterEach
    void tearDown() {
        shapes.close();
        rds.close();
        ec2.close();
        sts.close();
        front.close();
    }

    @Override
    protected DatabaseShapes shapes() {
        return shapes;
    }

    @Override
    protected Location here() {
        return HERE;
    }

    @Override
    protected Location elsewhere() {
        return ELSEWHERE;
    }

    @Override
    protected Network givenNetwork(int octet) {
        String cidr = "10." + octet + ".0.0/16";
        String vpc = ec2.createVpc(b -> b.cidrBlock(cidr)).vpc().vpcId();
        List<DatabaseShape.Subnet> subnets = new ArrayList<>();
        for (String zone : List.of("a", "b")) {
            String block = "10." + octet + "." + (zone.equals("a") ? 1 : 2) + ".0/24";
            String az = HERE.region() + zone;
            String id = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock(block).availabilityZone(az))
                    .subnet()
                    .subnetId();
            subnets.add(new DatabaseShape.Subnet(id, az, block));
        }
        return new Network(vpc, cidr, subnets.get(0), subnets.get(1));
    }

    private static IpPermission permission(DatabaseShape.Rule r) {
        var b = IpPermission.builder()
                .ipProtocol(r.protocol())
                .ipRanges(r.ipv4Ranges().stream()
                        .map(c -> IpRange.builder().cidrIp(c).build())
                        .toList())
                .ipv6Ranges(r.ipv6Ranges().stream()
                        .map(c -> Ipv6Range.builder().cidrIpv6(c).build())
                        .toList())
                .userIdGroupPairs(r.groupIds().stream()
                        .map(g -> UserIdGroupPair.builder().groupId(g).build())
                        .toList())
                .prefixListIds(r.prefixListIds().stream()
                        .map(p -> PrefixListId.builder().prefixListId(p).build())
                        .toList());
        if (r.fromPort() != null) {
            b.fromPort(r.fromPort()).toPort(r.toPort());
        }
        return b.build();
    }

    @Override
    protected String givenSecurityGroup(String vpcId, String name, List<DatabaseShape.Rule> ingress) {
        String id = ec2.createSecurityGroup(
                        b -> b.groupName(name).description(name).vpcId(vpcId))
                .groupId();
        for (DatabaseShape.Rule r : ingress) {
            ec2.authorizeSecurityGroupIngress(b -> b.groupId(id).ipPermissions(permission(r)));
        }
        return id;
    }

    @Override
    protected void givenParameterGroup(DbKind kind, String name, String family, Map<String, String> values) {
        List<Parameter> parameters = values.entrySet().stream()
                .map(e -> Parameter.builder()
                        .parameterName(e.getKey())
                        .parameterValue(e.getValue())
                        .applyMethod(ApplyMethod.PENDING_REBOOT)
                        .build())
                .toList();
        if (kind == DbKind.CLUSTER) {
            rds.createDBClusterParameterGroup(b -> b.dbClusterParameterGroupName(name)
                    .dbParameterGroupFamily(family)
                    .description("theirs"));
            rds.modifyDBClusterParameterGroup(
                    b -> b.dbClusterParameterGroupName(name).parameters(parameters));
        } else {
            rds.createDBParameterGroup(b ->
                    b.dbParameterGroupName(name).dbParameterGroupFamily(family).description("theirs"));
            rds.modifyDBParameterGroup(b -> b.dbParameterGroupName(name).parameters(parameters));
        }
    }

    @Override
    protected void givenSubnetGroup(String name, List<String> subnetIds) {
        rds.createDBSubnetGroup(b ->
                b.dbSubnetGroupName(name).dbSubnetGroupDescription("theirs").subnetIds(subnetIds));
    }

    @Override
    protected void givenEngineDefaults(DbKind kind, String family, Set<String> names) {
        front.engineDefaults(kind == DbKind.CLUSTER, family, List.copyOf(names));
    }

    @Override
    protected void givenInstance(
            String identifier,
            String subnetGroup,
            List<String> securityGroupIds,
            String parameterGroup,
            Map<String, String> tags) {
        rds.createDBInstance(b -> b.dbInstanceIdentifier(identifier)
                .engine("postgres")
                .engineVersion("16.4")
                .dbInstanceClass("db.r6g.large")
                .allocatedStorage(100)
                .storageType("gp3")
                .masterUsername("app")
                .masterUserPassword("not-a-real-password-1")
                .dbSubnetGroupName(subnetGroup)
                .vpcSecurityGroupIds(securityGroupIds)
                .dbParameterGroupName(parameterGroup)
                .backupRetentionPeriod(7)
                .tags(tags.entrySet().stream()
                        .map(e -> Tag.builder()
                                .key(e.getKey())
                                .value(e.getValue())
                                .build())
                        .toList()));
    }

    @Override
    protected Map<String, String> tagsOf(Tagged what, String nameOrId) {
        Map<String, String> out = new HashMap<>();
        if (what == Tagged.SECURITY_GROUP) {
            ec2.describeSecurityGroups(b -> b.groupIds(nameOrId))
                    .securityGroups()
                    .getFirst()
                    .tags()
                    .forEach(t -> out.put(t.key(), t.value()));
            return out;
        }
        String arn = switch (what) {
            case PARAMETER_GROUP ->
                rds.describeDBParameterGroups(b -> b.dbParameterGroupName(nameOrId))
                        .dbParameterGroups()
                        .getFirst()
                        .dbParameterGroupArn();
            case CLUSTER_PARAMETER_GROUP ->
                rds.describeDBClusterParameterGroups(b -> b.dbClusterParameterGroupName(nameOrId))
                        .dbClusterParameterGroups()
                        .getFirst()
                        .dbClusterParameterGroupArn();
            case OPTION_GROUP ->
                rds.describeOptionGroups(b -> b.optionGroupName(nameOrId))
                        .optionGroupsList()
                        .getFirst()
                        .optionGroupArn();
            case SUBNET_GROUP ->
                rds.describeDBSubnetGroups(b -> b.dbSubnetGroupName(nameOrId))
                        .dbSubnetGroups()
                        .getFirst()
                        .dbSubnetGroupArn();
            case SECURITY_GROUP -> throw new IllegalStateException("answered above");
        };
        rds.listTagsForResource(b -> b.resourceName(arn)).tagList().forEach(t -> out.put(t.key(), t.value()));
        return out;
    }

    // What the suite found in the adapter, left for a decision on the adapter (issue 35): each test runs on the fake,
    // and fails here until the adapter changes; delete the override then.

    @Override
    protected Map<String, Map<String, String>> optionsOf(String optionGroup) {
        Map<String, Map<String, String>> out = new HashMap<>();
        rds.describeOptionGroups(b -> b.optionGroupName(optionGroup))
                .optionGroupsList()
                .getFirst()
                .options()
                .forEach(o -> {
                    Map<String, String> settings = new HashMap<>();
                    o.optionSettings().forEach(s -> {
                        if (s.value() != null) {
                            settings.put(s.name(), s.value());
                        }
                    });
                    out.put(o.optionName(), settings);
                });
        return out;
    }
}
