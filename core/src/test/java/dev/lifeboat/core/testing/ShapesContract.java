package dev.lifeboat.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.DatabaseShapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The {@link DatabaseShapes} port's contract, one suite for every implementation: the in-memory fake the restore's
 * tests run on (InMemoryShapesContractTest) and the RDS and EC2 adapter against moto (AwsDatabaseShapesContractIT).
 * The world is arranged as any AWS client would arrange it (the fixture hooks), and only outcomes are compared, never
 * calls. Where moto and the fake could differ, the AWS documentation is the reference.
 *
 * <p>It found that the fake refused what the port says counts as made (a DB subnet group or security group of that
 * name made meanwhile, a parameter or option group made again the same), kept DB parameter groups and DB cluster
 * parameter groups in one namespace, described a security group's rules as given instead of one permission per
 * protocol and port range as EC2 does, and let an egress rule name a group that does not exist. And that the adapter,
 * asked to create a parameter or option group whose name exists, changes that group; and that it leaves a rule
 * unfinished when the group has part of it (the tests the IT disables, naming why: those are protected, so that an
 * implementation's suite can).
 *
 * <p>Not asked here: the apply method a parameter reads back with (the adapter sets pending-reboot on every value, the
 * fake keeps the one given; the port's callers compare values only, and RDS documents no rule for it); a DB subnet
 * group's Availability Zone coverage (DBSubnetGroupDoesNotCoverEnoughAZs), which neither the fake nor moto keeps;
 * engine defaults of one family differing by kind, which the fake does not tell apart.
 */
public abstract class ShapesContract {
    /** A well-formed id nobody made (EC2 answers InvalidGroup.NotFound, or leaves it out of a filter's answer). */
    protected static final String NO_GROUP = "sg-0123456789abcdef0";

    protected static final String NO_SUBNET = "subnet-0123456789abcdef0";

    /** The implementation under test. */
    protected abstract DatabaseShapes shapes();

    /** The account and Region the tests arrange and ask in. */
    protected abstract Location here();

    /** Another Region of the same account: nothing arranged {@link #here} is there. */
    protected abstract Location elsewhere();

    /** A VPC of 10.{@code octet}.0.0/16 in {@link #here}, its two subnets in two Availability Zones. */
    public record Network(String vpcId, String cidr, DatabaseShape.Subnet a, DatabaseShape.Subnet b) {
        public List<String> subnetIds() {
            return List.of(a.id(), b.id());
        }
    }

    /**
     * Makes a VPC of 10.{@code octet}.0.0/16 with a subnet 10.{@code octet}.1.0/24 in the Region's first Availability
     * Zone ("a") and 10.{@code octet}.2.0/24 in its second ("b").
     */
    protected abstract Network givenNetwork(int octet);

    /** Makes a security group in {@code vpcId} with those ingress rules and the allow-all egress EC2 gives it. */
    protected abstract String givenSecurityGroup(String vpcId, String name, List<DatabaseShape.Rule> ingress);

    /** Makes a parameter group (a DB cluster parameter group for CLUSTER) of {@code family} with those values. */
    protected abstract void givenParameterGroup(DbKind kind, String name, String family, Map<String, String> values);

    /** Makes a DB subnet group of those subnets, untagged. */
    protected abstract void givenSubnetGroup(String name, List<String> subnetIds);

    /** The parameters RDS gives {@code family} by default (DescribeEngineDefaultParameters, or its Cluster form). */
    protected abstract void givenEngineDefaults(DbKind kind, String family, Set<String> names);

    /**
     * Makes a PostgreSQL 16.4 DB instance ({@code db.r6g.large}) in that DB subnet group, with those security groups,
     * that parameter group and those tags.
     */
    protected abstract void givenInstance(
            String identifier,
            String subnetGroup,
            List<String> securityGroupIds,
            String parameterGroup,
            Map<String, String> tags);

    /** What a tag lookup names. */
    public enum Tagged {
        PARAMETER_GROUP,
        CLUSTER_PARAMETER_GROUP,
        OPTION_GROUP,
        SUBNET_GROUP,
        SECURITY_GROUP
    }

    /** The tags of a group {@link #here}, as any client reads them (ListTagsForResource, DescribeSecurityGroups). */
    protected abstract Map<String, String> tagsOf(Tagged what, String nameOrId);

    /** The options of an option group {@link #here} by name, each with its settings (DescribeOptionGroups). */
    protected abstract Map<String, Map<String, String>> optionsOf(String optionGroup);

    /** A name nobody has used: lower case, as RDS stores its names. */
    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    protected static DatabaseShape.Rule tcp(int port, List<String> ipv4, List<String> groups) {
        return new DatabaseShape.Rule("tcp", port, port, ipv4, null, groups, null);
    }

    /** The rule EC2 gives a new VPC security group: all protocols to anywhere on IPv4. */
    protected static final DatabaseShape.Rule ALLOW_ALL =
            new DatabaseShape.Rule("-1", null, null, List.of("0.0.0.0/0"), null, null, null);

    /** Each permission with its sources sorted: EC2 promises no order within a permission, nor between them. */
    private static List<DatabaseShape.Rule> sorted(List<DatabaseShape.Rule> rules) {
        return rules.stream()
                .map(r -> new DatabaseShape.Rule(
                        r.protocol(),
                        r.fromPort(),
                        r.toPort(),
                        r.ipv4Ranges().stream().sorted().toList(),
                        r.ipv6Ranges().stream().sorted().toList(),
                        r.groupIds().stream().sorted().toList(),
                        r.prefixListIds().stream().sorted().toList()))
                .toList();
    }

    private static DatabaseShape.Rule[] sortedArray(DatabaseShape.Rule... rules) {
        return sorted(List.of(rules)).toArray(DatabaseShape.Rule[]::new);
    }

    private static List<DatabaseShape.Parameter> parameters(Map<String, String> values) {
        List<DatabaseShape.Parameter> out = new ArrayList<>();
        values.forEach((n, v) -> out.add(new DatabaseShape.Parameter(n, v, "pending-reboot")));
        return out;
    }

    private static final Map<String, String> TAGS = Map.of("lifeboat:restore", "orders-restored", "team", "payments");

    // Parameter groups.

    @Test
    void aParameterGroupNobodyMade_isNotThere_ofEitherKind() {
        String name = unique("pg");

        assertThat(shapes().parameterGroup(here(), DbKind.INSTANCE, name)).isEmpty();
        assertThat(shapes().parameterGroup(here(), DbKind.CLUSTER, name)).isEmpty();
    }

    @Test
    void aParameterGroup_readsWithItsFamilyAndValues_thereOnly() {
        String name = unique("orders-pg16");
        givenParameterGroup(
                DbKind.INSTANCE,
                name,
                "postgres16",
                Map.of("work_mem", "65536", "shared_preload_libraries", "pg_stat_statements,pg_cron"));

        DatabaseShape.ParameterGroup g =
                shapes().parameterGroup(here(), DbKind.INSTANCE, name).orElseThrow();
        assertThat(g.name()).isEqualTo(name);
        assertThat(g.family()).isEqualTo("postgres16");
        assertThat(g.values())
                .isEqualTo(Map.of("work_mem", "65536", "shared_preload_libraries", "pg_stat_statements,pg_cron"));
        assertThat(shapes().parameterGroup(elsewhere(), DbKind.INSTANCE, name)).isEmpty();
    }

    /**
     * DB parameter groups and DB cluster parameter groups are apart (DescribeDBParameterGroups and
     * DescribeDBClusterParameterGroups): a name may be used by one of each.
     */
    @Test
    void clusterParameterGroups_areApartFromDbParameterGroups() {
        String name = unique("ledger-pg");
        givenParameterGroup(DbKind.CLUSTER, name, "aurora-postgresql16", Map.of("rds.force_ssl", "1"));

        assertThat(shapes().parameterGroup(here(), DbKind.INSTANCE, name)).isEmpty();
        DatabaseShape.ParameterGroup cluster =
                shapes().parameterGroup(here(), DbKind.CLUSTER, name).orElseThrow();
        assertThat(cluster.family()).isEqualTo("aurora-postgresql16");
        assertThat(cluster.values()).isEqualTo(Map.of("rds.force_ssl", "1"));

        shapes().createParameterGroup(
                        here(),
                        DbKind.INSTANCE,
                        name,
                        "aurora-postgresql16",
                        "instances",
                        parameters(Map.of("log_min_duration_statement", "500")),
                        TAGS);
        assertThat(shapes().parameterGroup(here(), DbKind.INSTANCE, name)
                        .orElseThrow()
                        .values())
                .isEqualTo(Map.of("log_min_duration_statement", "500"));
        assertThat(shapes().parameterGroup(here(), DbKind.CLUSTER, name)
                        .orElseThrow()
                        .values())
                .isEqualTo(Map.of("rds.force_ssl", "1"));
    }

    @Test
    void aCreatedParameterGroup_readsBackWithItsFamilyValuesAndTags() {
        String name = unique("orders-pg16-lifeboat");
        shapes().createParameterGroup(
                        here(),
                        DbKind.INSTANCE,
                        name,
                        "postgres16",
                        "recreated",
                        List.of(
                                new DatabaseShape.Parameter("max_connections", "500", "pending-reboot"),
                                new DatabaseShape.Parameter("work_mem", "65536", "immediate")),
                        TAGS);

        DatabaseShape.ParameterGroup made =
                shapes().parameterGroup(here(), DbKind.INSTANCE, name).orElseThrow();
        assertThat(made.name()).isEqualTo(name);
        assertThat(made.family()).isEqualTo("postgres16");
        assertThat(made.values()).isEqualTo(Map.of("max_connections", "500", "work_mem", "65536"));
        assertThat(tagsOf(Tagged.PARAMETER_GROUP, name)).isEqualTo(TAGS);
    }

    @Test
    void aCreatedClusterParameterGroup_readsBackWithItsFamilyValuesAndTags() {
        String name = unique("ledger-cpg-lifeboat");
        shapes().createParameterGroup(
                        here(),
                        DbKind.CLUSTER,
                        name,
                        "aurora-postgresql16",
                        "recreated",
                        parameters(Map.of("rds.force_ssl", "1", "timezone", "UTC")),
                        TAGS);

        DatabaseShape.ParameterGroup made =
                shapes().parameterGroup(here(), DbKind.CLUSTER, name).orElseThrow();
        assertThat(made.family()).isEqualTo("aurora-postgresql16");
        assertThat(made.values()).isEqualTo(Map.of("rds.force_ssl", "1", "timezone", "UTC"));
        assertThat(tagsOf(Tagged.CLUSTER_PARAMETER_GROUP, name)).isEqualTo(TAGS);
        assertThat(shapes().parameterGroup(here(), DbKind.INSTANCE, name)).isEmpty();
    }

    /**
     * "A maximum of 20 parameters can be modified in a single request"
     * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_ModifyDBParameterGroup.html, and
     * API_ModifyDBClusterParameterGroup.html): a group of more values is still made whole.
     */
    @Test
    void aParameterGroupOfMoreThanTwentyValues_isMadeWhole_ofEitherKind() {
        Map<String, String> many = new TreeMap<>();
        for (int i = 1; i <= 45; i++) {
            many.put(String.format("lifeboat.setting_%02d", i), Integer.toString(i * 10));
        }
        String instance = unique("wide-pg");
        String cluster = unique("wide-cpg");

        shapes().createParameterGroup(here(), DbKind.INSTANCE, instance, "postgres16", "wide", parameters(many), TAGS);
        shapes().createParameterGroup(
                        here(), DbKind.CLUSTER, cluster, "aurora-postgresql16", "wide", parameters(many), TAGS);

        assertThat(shapes().parameterGroup(here(), DbKind.INSTANCE, instance)
                        .orElseThrow()
                        .values())
                .isEqualTo(many);
        assertThat(shapes().parameterGroup(here(), DbKind.CLUSTER, cluster)
                        .orElseThrow()
                        .values())
                .isEqualTo(many);
    }

    /** Two calls of one restore at once: the second finds the group the first made, with the same values. */
    @Test
    void creatingTheSameParameterGroupTwice_countsAsMade() {
        String name = unique("orders-pg16-lifeboat");
        List<DatabaseShape.Parameter> values = parameters(Map.of("max_connections", "500", "work_mem", "65536"));
        shapes().createParameterGroup(here(), DbKind.INSTANCE, name, "postgres16", "recreated", values, TAGS);

        shapes().createParameterGroup(here(), DbKind.INSTANCE, name, "postgres16", "recreated", values, TAGS);

        assertThat(shapes().parameterGroup(here(), DbKind.INSTANCE, name)
                        .orElseThrow()
                        .values())
                .isEqualTo(Map.of("max_connections", "500", "work_mem", "65536"));
        assertThat(tagsOf(Tagged.PARAMETER_GROUP, name)).isEqualTo(TAGS);
    }

    /**
     * CreateDBParameterGroup refuses a name in use (DBParameterGroupAlreadyExists,
     * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBParameterGroup.html), and the port changes
     * nothing that exists: a group of that name with other values is left as it is, and the call fails.
     */
    @Test
    protected void creatingAParameterGroupWhoseNameIsUsed_withOtherValues_isRefused_andChangesNothing() {
        String name = unique("orders-pg16");
        givenParameterGroup(DbKind.INSTANCE, name, "postgres16", Map.of("work_mem", "4096"));

        assertThatThrownBy(() -> shapes().createParameterGroup(
                                here(),
                                DbKind.INSTANCE,
                                name,
                                "postgres16",
                                "recreated",
                                parameters(Map.of("work_mem", "65536", "max_connections", "500")),
                                TAGS))
                .isInstanceOf(RuntimeException.class);

        assertThat(shapes().parameterGroup(here(), DbKind.INSTANCE, name)
                        .orElseThrow()
                        .values())
                .isEqualTo(Map.of("work_mem", "4096"));
    }

    /**
     * The parameter names of a family, all of them (DescribeEngineDefaultParameters pages them, 100 by default); and
     * empty when the Region cannot answer (a family it does not know).
     */
    @Test
    void acceptedParameters_areTheFamilysDefaults_orEmptyWhenTheRegionCannotAnswer() {
        Set<String> names = new TreeSet<>();
        for (int i = 1; i <= 130; i++) {
            names.add("lifeboat.default_" + i);
        }
        Set<String> clusterNames = Set.of("rds.force_ssl", "timezone", "aurora_enable_repl_bin_log_filtering");
        givenEngineDefaults(DbKind.INSTANCE, "postgres16", names);
        givenEngineDefaults(DbKind.CLUSTER, "aurora-postgresql16", clusterNames);

        assertThat(shapes().acceptedParameters(here(), DbKind.INSTANCE, "postgres16"))
                .hasValueSatisfying(n -> assertThat(n).containsExactlyInAnyOrderElementsOf(names));
        assertThat(shapes().acceptedParameters(here(), DbKind.CLUSTER, "aurora-postgresql16"))
                .hasValueSatisfying(n -> assertThat(n).containsExactlyInAnyOrderElementsOf(clusterNames));
        assertThat(shapes().acceptedParameters(here(), DbKind.INSTANCE, "nonesuch42"))
                .isEmpty();
    }

    // Option groups.

    @Test
    void anOptionGroupNobodyMade_isNotThere() {
        assertThat(shapes().optionGroupExists(here(), unique("og"))).isFalse();
    }

    @Test
    void aCreatedOptionGroup_isThereWithItsOptionsSettingsAndTags_thereOnly() {
        String name = unique("shop-og-lifeboat");
        shapes().createOptionGroup(
                        here(),
                        name,
                        "mysql",
                        "8.0",
                        "recreated",
                        List.of(new DatabaseShape.Option(
                                "MARIADB_AUDIT_PLUGIN", null, null, Map.of("SERVER_AUDIT_EVENTS", "CONNECT"))),
                        TAGS);

        assertThat(shapes().optionGroupExists(here(), name)).isTrue();
        assertThat(optionsOf(name)).isEqualTo(Map.of("MARIADB_AUDIT_PLUGIN", Map.of("SERVER_AUDIT_EVENTS", "CONNECT")));
        assertThat(tagsOf(Tagged.OPTION_GROUP, name)).isEqualTo(TAGS);
        assertThat(shapes().optionGroupExists(elsewhere(), name)).isFalse();
    }

    @Test
    void creatingTheSameOptionGroupTwice_countsAsMade() {
        String name = unique("shop-og-lifeboat");
        List<DatabaseShape.Option> options = List.of(
                new DatabaseShape.Option("MARIADB_AUDIT_PLUGIN", null, null, Map.of("SERVER_AUDIT_EVENTS", "CONNECT")));
        shapes().createOptionGroup(here(), name, "mysql", "8.0", "recreated", options, TAGS);

        shapes().createOptionGroup(here(), name, "mysql", "8.0", "recreated", options, TAGS);

        assertThat(optionsOf(name)).isEqualTo(Map.of("MARIADB_AUDIT_PLUGIN", Map.of("SERVER_AUDIT_EVENTS", "CONNECT")));
    }

    /**
     * CreateOptionGroup refuses a name in use (OptionGroupAlreadyExistsFault,
     * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateOptionGroup.html), and the port changes
     * nothing that exists: an option group of that name keeps its options, and the call fails.
     */
    @Test
    protected void creatingAnOptionGroupWhoseNameIsUsed_withOtherOptions_isRefused_andChangesNothing() {
        String name = unique("shop-og");
        shapes().createOptionGroup(here(), name, "mysql", "8.0", "theirs", List.of(), Map.of());

        assertThatThrownBy(() -> shapes().createOptionGroup(
                                here(),
                                name,
                                "mysql",
                                "8.0",
                                "recreated",
                                List.of(new DatabaseShape.Option(
                                        "MARIADB_AUDIT_PLUGIN", null, null, Map.of("SERVER_AUDIT_EVENTS", "CONNECT"))),
                                TAGS))
                .isInstanceOf(RuntimeException.class);

        assertThat(optionsOf(name)).isEmpty();
    }

    // DB subnet groups.

    @Test
    void aSubnetGroupNobodyMade_isNotThere() {
        String name = unique("net");

        assertThat(shapes().subnetGroupExists(here(), name)).isFalse();
        assertThat(shapes().subnetGroupSubnets(here(), name)).isEmpty();
    }

    @Test
    void aSubnetGroup_isThereWithItsSubnets_thereOnly() {
        Network n = givenNetwork(11);
        String name = unique("orders-net");
        givenSubnetGroup(name, n.subnetIds());

        assertThat(shapes().subnetGroupExists(here(), name)).isTrue();
        assertThat(shapes().subnetGroupSubnets(here(), name)).contains(Set.copyOf(n.subnetIds()));
        assertThat(shapes().subnetGroupExists(elsewhere(), name)).isFalse();
        assertThat(shapes().subnetGroupSubnets(elsewhere(), name)).isEmpty();
    }

    @Test
    void aCreatedSubnetGroup_isThereWithItsSubnetsAndTags() {
        Network n = givenNetwork(12);
        String name = unique("orders-restored-lifeboat");

        shapes().createSubnetGroup(here(), name, "restore", n.subnetIds(), TAGS);

        assertThat(shapes().subnetGroupExists(here(), name)).isTrue();
        assertThat(shapes().subnetGroupSubnets(here(), name)).contains(Set.copyOf(n.subnetIds()));
        assertThat(tagsOf(Tagged.SUBNET_GROUP, name)).isEqualTo(TAGS);
    }

    /**
     * The port: one of that name made meanwhile counts as made, and the caller checks it is the one it asked for. RDS
     * refuses the name (DBSubnetGroupAlreadyExists,
     * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html): the group keeps its own
     * subnets and tags.
     */
    @Test
    void creatingASubnetGroupWhoseNameIsUsed_countsAsMade_andLeavesItAsItWas() {
        Network theirs = givenNetwork(13);
        Network ours = givenNetwork(14);
        String name = unique("orders-restored-lifeboat");
        givenSubnetGroup(name, theirs.subnetIds());

        shapes().createSubnetGroup(here(), name, "restore", ours.subnetIds(), TAGS);

        assertThat(shapes().subnetGroupSubnets(here(), name)).contains(Set.copyOf(theirs.subnetIds()));
        assertThat(tagsOf(Tagged.SUBNET_GROUP, name)).isEmpty();
    }

    // Security groups.

    @Test
    void aSecurityGroup_readsWithItsRules_onePermissionPerProtocolAndPorts_asEc2DescribesThem() {
        Network n = givenNetwork(21);
        String app = givenSecurityGroup(n.vpcId(), unique("app"), List.of());
        String name = unique("orders-db");
        String db = givenSecurityGroup(
                n.vpcId(),
                name,
                List.of(
                        tcp(5432, List.of("10.21.0.0/16"), null),
                        tcp(5432, null, List.of(app)),
                        tcp(6432, List.of("10.21.1.0/24", "10.21.2.0/24"), null)));

        DatabaseShape.SecurityGroup g = shapes().securityGroup(here(), db).orElseThrow();

        assertThat(g.id()).isEqualTo(db);
        assertThat(g.name()).isEqualTo(name);
        assertThat(g.vpcId()).isEqualTo(n.vpcId());
        assertThat(sorted(g.ingress()))
                .containsExactlyInAnyOrder(sortedArray(
                        new DatabaseShape.Rule("tcp", 5432, 5432, List.of("10.21.0.0/16"), null, List.of(app), null),
                        tcp(6432, List.of("10.21.1.0/24", "10.21.2.0/24"), null)));
        assertThat(sorted(g.egress())).containsExactly(ALLOW_ALL);
    }

    @Test
    void aSecurityGroupNobodyMade_isNotThere_norOneOfAnotherRegion() {
        Network n = givenNetwork(22);
        String db = givenSecurityGroup(n.vpcId(), unique("orders-db"), List.of());

        assertThat(shapes().securityGroup(here(), NO_GROUP)).isEmpty();
        assertThat(shapes().securityGroup(elsewhere(), db)).isEmpty();
    }

    @Test
    void existingSecurityGroups_areThoseOfTheIdsThatExistThere() {
        Network n = givenNetwork(23);
        String app = givenSecurityGroup(n.vpcId(), unique("app"), List.of());
        String db = givenSecurityGroup(n.vpcId(), unique("orders-db"), List.of());

        assertThat(shapes().existingSecurityGroups(here(), List.of(db, NO_GROUP, app)))
                .containsExactlyInAnyOrder(db, app);
        assertThat(shapes().existingSecurityGroups(here(), List.of(NO_GROUP))).isEmpty();
        assertThat(shapes().existingSecurityGroups(elsewhere(), List.of(db, app)))
                .isEmpty();
    }

    @Test
    void securityGroupNamed_isTheGroupOfThatNameInThatVpc() {
        Network one = givenNetwork(24);
        Network two = givenNetwork(25);
        String name = unique("orders-db");
        String inOne = givenSecurityGroup(one.vpcId(), name, List.of());

        assertThat(shapes().securityGroupNamed(here(), one.vpcId(), name)).contains(inOne);
        assertThat(shapes().securityGroupNamed(here(), two.vpcId(), name)).isEmpty();
        assertThat(shapes().securityGroupNamed(here(), one.vpcId(), unique("other")))
                .isEmpty();

        // A name is unique in its VPC only.
        String inTwo = givenSecurityGroup(two.vpcId(), name, List.of());
        assertThat(shapes().securityGroupNamed(here(), two.vpcId(), name)).contains(inTwo);
        assertThat(inTwo).isNotEqualTo(inOne);
    }

    /** A new VPC security group has no inbound rules and one outbound rule allowing all IPv4 traffic. */
    @Test
    void aCreatedSecurityGroup_hasNoIngress_theAllowAllEgress_andItsTags() {
        Network n = givenNetwork(26);
        String name = unique("orders-db-lifeboat");

        String made = shapes().createSecurityGroup(here(), n.vpcId(), name, "recreated from sg-0db", TAGS);

        DatabaseShape.SecurityGroup g = shapes().securityGroup(here(), made).orElseThrow();
        assertThat(g.name()).isEqualTo(name);
        assertThat(g.description()).isEqualTo("recreated from sg-0db");
        assertThat(g.vpcId()).isEqualTo(n.vpcId());
        assertThat(g.ingress()).isEmpty();
        assertThat(sorted(g.egress())).containsExactly(ALLOW_ALL);
        assertThat(shapes().securityGroupNamed(here(), n.vpcId(), name)).contains(made);
        assertThat(tagsOf(Tagged.SECURITY_GROUP, made)).isEqualTo(TAGS);
    }

    /** The port: one of that name made meanwhile (EC2: InvalidGroup.Duplicate) is answered instead, as it is. */
    @Test
    void creatingASecurityGroupWhoseNameIsUsedInThatVpc_answersThatGroup() {
        Network n = givenNetwork(27);
        String name = unique("orders-db-lifeboat");
        String theirs = givenSecurityGroup(n.vpcId(), name, List.of(tcp(5432, List.of("10.27.0.0/16"), null)));

        assertThat(shapes().createSecurityGroup(here(), n.vpcId(), name, "recreated", TAGS))
                .isEqualTo(theirs);
        assertThat(shapes().createSecurityGroup(here(), n.vpcId(), name, "recreated", TAGS))
                .isEqualTo(theirs);

        assertThat(sorted(shapes().securityGroup(here(), theirs).orElseThrow().ingress()))
                .containsExactly(tcp(5432, List.of("10.27.0.0/16"), List.of()));
    }

    @Test
    void setRules_onANewGroup_givesItExactlyThoseRules_withoutTheAllowAllEgress() {
        Network n = givenNetwork(31);
        String app = givenSecurityGroup(n.vpcId(), unique("app"), List.of());
        String made = shapes().createSecurityGroup(here(), n.vpcId(), unique("orders-db-lifeboat"), "recreated", TAGS);

        shapes().setRules(
                        here(),
                        made,
                        List.of(
                                tcp(5432, List.of("10.31.0.0/16"), null),
                                tcp(5432, null, List.of(app, made)),
                                tcp(6432, List.of("10.31.1.0/24"), null)),
                        List.of(tcp(443, List.of("10.31.0.0/16"), null)));

        DatabaseShape.SecurityGroup g = shapes().securityGroup(here(), made).orElseThrow();
        assertThat(sorted(g.ingress()))
                .containsExactlyInAnyOrder(sortedArray(
                        new DatabaseShape.Rule(
                                "tcp", 5432, 5432, List.of("10.31.0.0/16"), null, List.of(app, made), null),
                        tcp(6432, List.of("10.31.1.0/24"), null)));
        assertThat(sorted(g.egress())).containsExactly(tcp(443, List.of("10.31.0.0/16"), List.of()));
    }

    @Test
    void setRules_keepsTheAllowAllEgress_whenItIsAmongTheRules() {
        Network n = givenNetwork(32);
        String made = shapes().createSecurityGroup(here(), n.vpcId(), unique("orders-db-lifeboat"), "recreated", TAGS);

        shapes().setRules(
                        here(),
                        made,
                        List.of(tcp(5432, List.of("10.32.0.0/16"), null)),
                        List.of(ALLOW_ALL, tcp(443, List.of("10.32.0.0/16"), null)));

        assertThat(sorted(shapes().securityGroup(here(), made).orElseThrow().egress()))
                .containsExactlyInAnyOrder(ALLOW_ALL, tcp(443, List.of("10.32.0.0/16"), List.of()));
    }

    /** Two calls of one restore: a rule the group has counts as added. */
    @Test
    void setRules_twice_isSetRulesOnce() {
        Network n = givenNetwork(33);
        String made = shapes().createSecurityGroup(here(), n.vpcId(), unique("orders-db-lifeboat"), "recreated", TAGS);
        List<DatabaseShape.Rule> in = List.of(tcp(5432, List.of("10.33.0.0/16"), null), tcp(5432, null, List.of(made)));
        List<DatabaseShape.Rule> out = List.of(tcp(443, List.of("10.33.0.0/16"), null));
        shapes().setRules(here(), made, in, out);
        DatabaseShape.SecurityGroup once = shapes().securityGroup(here(), made).orElseThrow();

        shapes().setRules(here(), made, in, out);

        DatabaseShape.SecurityGroup twice = shapes().securityGroup(here(), made).orElseThrow();
        assertThat(sorted(twice.ingress()))
                .containsExactlyInAnyOrderElementsOf(sorted(once.ingress()))
                .containsExactly(
                        new DatabaseShape.Rule("tcp", 5432, 5432, List.of("10.33.0.0/16"), null, List.of(made), null));
        assertThat(sorted(twice.egress())).containsExactlyInAnyOrderElementsOf(sorted(once.egress()));
    }

    /**
     * The port's rules are added on top of what the group has: setRules never revokes a rule, but the allow-all egress
     * EC2 gives a group when the rules do not hold it. (Whether the group is then more open than recorded is the
     * caller's check, RestoreShape's.)
     */
    @Test
    void setRules_addsOnTopOfTheRulesTheGroupHas() {
        Network n = givenNetwork(34);
        String g = givenSecurityGroup(n.vpcId(), unique("orders-db"), List.of(tcp(22, List.of("10.0.0.0/8"), null)));

        shapes().setRules(here(), g, List.of(tcp(5432, List.of("10.34.0.0/16"), null)), List.of());

        DatabaseShape.SecurityGroup after = shapes().securityGroup(here(), g).orElseThrow();
        assertThat(sorted(after.ingress()))
                .containsExactlyInAnyOrder(
                        tcp(22, List.of("10.0.0.0/8"), List.of()), tcp(5432, List.of("10.34.0.0/16"), List.of()));
        assertThat(after.egress()).isEmpty();
    }

    /**
     * A rule of which the group has a part: the port gives the group the whole rule ("a rule it has already counts as
     * added", and only that). EC2 refuses a request holding a permission that exists (InvalidPermission.Duplicate)
     * without adding the request's others.
     */
    @Test
    protected void setRules_completesARuleTheGroupHasInPart() {
        Network n = givenNetwork(35);
        String g =
                givenSecurityGroup(n.vpcId(), unique("orders-db"), List.of(tcp(5432, List.of("10.35.0.0/16"), null)));

        shapes().setRules(here(), g, List.of(tcp(5432, List.of("10.35.0.0/16", "10.99.0.0/16"), null)), List.of());

        assertThat(sorted(shapes().securityGroup(here(), g).orElseThrow().ingress()))
                .containsExactly(tcp(5432, List.of("10.35.0.0/16", "10.99.0.0/16"), List.of()));
    }

    /** AuthorizeSecurityGroupIngress and AuthorizeSecurityGroupEgress refuse a group that does not exist. */
    @Test
    void setRules_namingAGroupThatDoesNotExist_isRefused_inEitherDirection() {
        Network n = givenNetwork(36);
        String made = shapes().createSecurityGroup(here(), n.vpcId(), unique("orders-db-lifeboat"), "recreated", TAGS);

        assertThatThrownBy(
                        () -> shapes().setRules(here(), made, List.of(tcp(5432, null, List.of(NO_GROUP))), List.of()))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(
                        () -> shapes().setRules(here(), made, List.of(), List.of(tcp(5432, null, List.of(NO_GROUP)))))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> shapes().setRules(
                                here(), NO_GROUP, List.of(tcp(5432, List.of("10.36.0.0/16"), null)), List.of()))
                .isInstanceOf(RuntimeException.class);
    }

    // Subnets.

    @Test
    void theVpcOfSubnets_isTheirVpc() {
        Network n = givenNetwork(41);

        assertThat(shapes().vpcOfSubnets(here(), n.subnetIds())).isEqualTo(n.vpcId());
    }

    @Test
    void subnetsOfTwoVpcs_areRefused() {
        Network one = givenNetwork(42);
        Network two = givenNetwork(43);

        assertThatThrownBy(() -> shapes().vpcOfSubnets(
                                here(), List.of(one.a().id(), two.b().id())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--subnet");
    }

    @Test
    void aSubnetThatDoesNotExistThere_isRefused() {
        Network n = givenNetwork(44);

        assertThatThrownBy(() -> shapes().vpcOfSubnets(here(), List.of(n.a().id(), NO_SUBNET)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--subnet");
        assertThatThrownBy(() -> shapes().vpcOfSubnets(elsewhere(), n.subnetIds()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--subnet");
    }

    // Databases.

    @Test
    void aDatabaseNobodyMade_hasNoShape_ofEitherKind() {
        String id = unique("nothing");

        assertThat(shapes().describe(here(), DbKind.INSTANCE, id, "orders")).isEmpty();
        assertThat(shapes().describe(here(), DbKind.CLUSTER, id, "orders")).isEmpty();
    }

    @Test
    void anInstance_isDescribedWithItsNetworkGroupsAndTags() {
        Network n = givenNetwork(51);
        String app = givenSecurityGroup(n.vpcId(), unique("app"), List.of());
        String db = givenSecurityGroup(
                n.vpcId(),
                unique("orders-db"),
                List.of(tcp(5432, List.of("10.51.0.0/16"), null), tcp(5432, null, List.of(app))));
        String subnets = unique("orders-net");
        givenSubnetGroup(subnets, n.subnetIds());
        String pg = unique("orders-pg16");
        givenParameterGroup(DbKind.INSTANCE, pg, "postgres16", Map.of("work_mem", "65536"));
        String id = unique("orders");
        givenInstance(id, subnets, List.of(db), pg, Map.of("team", "payments"));

        DatabaseShape s =
                shapes().describe(here(), DbKind.INSTANCE, id, "orders").orElseThrow();

        assertThat(s.databaseId()).isEqualTo("orders");
        assertThat(s.kind()).isEqualTo(DbKind.INSTANCE);
        assertThat(s.identifier()).isEqualTo(id);
        assertThat(s.account()).isEqualTo(here().account());
        assertThat(s.region()).isEqualTo(here().region());
        assertThat(s.engine()).isEqualTo("postgres");
        assertThat(s.instanceClass()).isEqualTo("db.r6g.large");
        assertThat(s.network().subnetGroup()).isEqualTo(subnets);
        assertThat(s.network().vpcId()).isEqualTo(n.vpcId());
        assertThat(s.network().subnets()).containsExactlyInAnyOrder(n.a(), n.b());
        assertThat(s.network().securityGroupIds()).containsExactly(db);
        assertThat(sorted(s.network().securityGroups().getFirst().ingress()))
                .containsExactly(
                        new DatabaseShape.Rule("tcp", 5432, 5432, List.of("10.51.0.0/16"), null, List.of(app), null));
        assertThat(s.parameterGroup().name()).isEqualTo(pg);
        assertThat(s.parameterGroup().family()).isEqualTo("postgres16");
        assertThat(s.parameterGroup().values()).isEqualTo(Map.of("work_mem", "65536"));
        assertThat(s.tags()).containsEntry("team", "payments");
        assertThat(shapes().describe(elsewhere(), DbKind.INSTANCE, id, "orders"))
                .isEmpty();
    }
}
