package dev.lifeboat.adapters.rds;

import dev.lifeboat.adapters.aws.AccountCredentials;
import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.DatabaseShapes;
import dev.lifeboat.protocol.Param;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.Ipv6Range;
import software.amazon.awssdk.services.ec2.model.PrefixListId;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.ApplyMethod;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBSubnetGroup;
import software.amazon.awssdk.services.rds.model.DbClusterNotFoundException;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbParameterGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSubnetGroupAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.DbSubnetGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.OptionGroupAlreadyExistsException;
import software.amazon.awssdk.services.rds.model.OptionGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.Parameter;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * {@link DatabaseShapes} over the RDS and EC2 APIs, each call in the account's role and Region. Describing a database
 * takes DescribeDBInstances or DescribeDBClusters, DescribeDBSubnetGroups, DescribeDBParameterGroups and
 * DescribeDBParameters ({@code Source=user}: only what differs from the engine default), DescribeOptionGroups, and
 * EC2's DescribeSubnets and DescribeSecurityGroups: the source role's "DescribeTheShape" statement.
 */
public final class AwsDatabaseShapes implements DatabaseShapes, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AwsDatabaseShapes.class);
    private final AccountCredentials credentials;
    private final AwsClients aws;
    private final Clock clock;
    private final Map<Location, RdsClient> rdsClients = new ConcurrentHashMap<>();
    private final Map<Location, Ec2Client> ec2Clients = new ConcurrentHashMap<>();

    public AwsDatabaseShapes(AccountCredentials credentials, AwsClients aws, Clock clock) {
        this.credentials = credentials;
        this.aws = aws;
        this.clock = clock;
    }

    /** The shapes of a configuration's accounts, failures translated like the RDS gateway's. */
    public static DatabaseShapes forConfig(LifeboatConfig config, AwsClients aws, Clock clock) {
        return TranslatedRdsGateway.translated(
                DatabaseShapes.class,
                new AwsDatabaseShapes(AccountCredentials.forConfig(config, aws), aws, clock),
                "RDS/EC2",
                aws.network());
    }

    private RdsClient rds(Location where) {
        return rdsClients.computeIfAbsent(where, w -> aws.rds(w.region(), credentials.forAccount(w.account())));
    }

    private Ec2Client ec2(Location where) {
        return ec2Clients.computeIfAbsent(where, w -> aws.ec2(w.region(), credentials.forAccount(w.account())));
    }

    @Override
    public Optional<DatabaseShape> describe(Location where, DbKind kind, String identifier, String databaseId) {
        try {
            return Optional.of(
                    kind == DbKind.CLUSTER
                            ? cluster(
                                    where,
                                    databaseId,
                                    rds(where)
                                            .describeDBClusters(b -> b.dbClusterIdentifier(identifier))
                                            .dbClusters()
                                            .getFirst())
                            : instance(
                                    where,
                                    databaseId,
                                    rds(where)
                                            .describeDBInstances(b -> b.dbInstanceIdentifier(identifier))
                                            .dbInstances()
                                            .getFirst()));
        } catch (DbInstanceNotFoundException | DbClusterNotFoundException e) {
            return Optional.empty();
        }
    }

    private DatabaseShape instance(Location where, String databaseId, DBInstance i) {
        String parameterGroup = i.dbParameterGroups().isEmpty()
                ? null
                : i.dbParameterGroups().getFirst().dbParameterGroupName();
        String optionGroup = i.optionGroupMemberships().isEmpty()
                ? null
                : i.optionGroupMemberships().getFirst().optionGroupName();
        Integer port = i.endpoint() != null && i.endpoint().port() != null
                ? i.endpoint().port()
                : i.dbInstancePort();
        return new DatabaseShape(
                DatabaseShape.CURRENT_VERSION,
                databaseId,
                DbKind.INSTANCE,
                i.dbInstanceIdentifier(),
                where.account(),
                where.region(),
                clock.instant(),
                i.engine(),
                i.engineVersion(),
                i.dbInstanceClass(),
                new DatabaseShape.Storage(i.storageType(), i.allocatedStorage(), i.iops(), i.storageThroughput()),
                Boolean.TRUE.equals(i.multiAZ()),
                port == null || port == 0 ? null : port,
                network(
                        where,
                        i.dbSubnetGroup(),
                        i.vpcSecurityGroups().stream()
                                .map(g -> g.vpcSecurityGroupId())
                                .toList()),
                parameterGroup == null
                        ? null
                        : parameterGroup(where, DbKind.INSTANCE, parameterGroup).orElse(null),
                optionGroup == null ? null : optionGroup(where, optionGroup),
                Boolean.TRUE.equals(i.iamDatabaseAuthenticationEnabled()),
                Boolean.TRUE.equals(i.performanceInsightsEnabled()),
                i.backupRetentionPeriod() == null ? 0 : i.backupRetentionPeriod(),
                Boolean.TRUE.equals(i.deletionProtection()),
                Boolean.TRUE.equals(i.copyTagsToSnapshot()),
                i.caCertificateIdentifier(),
                tags(i.tagList()),
                List.of());
    }

    private DatabaseShape cluster(Location where, String databaseId, DBCluster c) {
        List<DatabaseShape.Member> members = new ArrayList<>();
        DBInstance writer = null;
        for (var m : c.dbClusterMembers()) {
            DBInstance i = rds(where)
                    .describeDBInstances(b -> b.dbInstanceIdentifier(m.dbInstanceIdentifier()))
                    .dbInstances()
                    .getFirst();
            members.add(new DatabaseShape.Member(
                    m.dbInstanceIdentifier(),
                    i.dbInstanceClass(),
                    m.promotionTier(),
                    Boolean.TRUE.equals(m.isClusterWriter())));
            if (Boolean.TRUE.equals(m.isClusterWriter())) {
                writer = i;
            }
        }
        DBSubnetGroup subnets = c.dbSubnetGroup() == null
                ? null
                : rds(where)
                        .describeDBSubnetGroups(b -> b.dbSubnetGroupName(c.dbSubnetGroup()))
                        .dbSubnetGroups()
                        .getFirst();
        return new DatabaseShape(
                DatabaseShape.CURRENT_VERSION,
                databaseId,
                DbKind.CLUSTER,
                c.dbClusterIdentifier(),
                where.account(),
                where.region(),
                clock.instant(),
                c.engine(),
                c.engineVersion(),
                writer == null ? null : writer.dbInstanceClass(),
                new DatabaseShape.Storage(c.storageType(), c.allocatedStorage(), c.iops(), null),
                Boolean.TRUE.equals(c.multiAZ()),
                c.port(),
                network(
                        where,
                        subnets,
                        c.vpcSecurityGroups().stream()
                                .map(g -> g.vpcSecurityGroupId())
                                .toList()),
                c.dbClusterParameterGroup() == null
                        ? null
                        : parameterGroup(where, DbKind.CLUSTER, c.dbClusterParameterGroup())
                                .orElse(null),
                null,
                Boolean.TRUE.equals(c.iamDatabaseAuthenticationEnabled()),
                writer != null && Boolean.TRUE.equals(writer.performanceInsightsEnabled()),
                c.backupRetentionPeriod() == null ? 0 : c.backupRetentionPeriod(),
                Boolean.TRUE.equals(c.deletionProtection()),
                Boolean.TRUE.equals(c.copyTagsToSnapshot()),
                writer == null ? null : writer.caCertificateIdentifier(),
                tags(c.tagList()),
                members);
    }

    private DatabaseShape.Network network(Location where, DBSubnetGroup group, List<String> securityGroupIds) {
        List<DatabaseShape.Subnet> subnets = new ArrayList<>();
        if (group != null && !group.subnets().isEmpty()) {
            Map<String, String> cidrs = new HashMap<>();
            ec2(where)
                    .describeSubnets(b -> b.subnetIds(group.subnets().stream()
                            .map(s -> s.subnetIdentifier())
                            .toList()))
                    .subnets()
                    .forEach(s -> cidrs.put(s.subnetId(), s.cidrBlock()));
            group.subnets()
                    .forEach(s -> subnets.add(new DatabaseShape.Subnet(
                            s.subnetIdentifier(),
                            s.subnetAvailabilityZone() == null
                                    ? null
                                    : s.subnetAvailabilityZone().name(),
                            cidrs.get(s.subnetIdentifier()))));
        }
        List<DatabaseShape.SecurityGroup> groups = securityGroupIds.isEmpty()
                ? List.of()
                : ec2(where).describeSecurityGroups(b -> b.groupIds(securityGroupIds)).securityGroups().stream()
                        .map(AwsDatabaseShapes::securityGroup)
                        .toList();
        return new DatabaseShape.Network(
                group == null ? null : group.dbSubnetGroupName(),
                group == null ? null : group.vpcId(),
                subnets,
                groups);
    }

    private static DatabaseShape.SecurityGroup securityGroup(SecurityGroup g) {
        return new DatabaseShape.SecurityGroup(
                g.groupId(),
                g.groupName(),
                g.description(),
                g.vpcId(),
                g.ipPermissions().stream().map(AwsDatabaseShapes::rule).toList(),
                g.ipPermissionsEgress().stream().map(AwsDatabaseShapes::rule).toList());
    }

    private static DatabaseShape.Rule rule(IpPermission p) {
        boolean allPorts = "-1".equals(p.ipProtocol()) || p.fromPort() == null || p.fromPort() == -1;
        return new DatabaseShape.Rule(
                p.ipProtocol(),
                allPorts ? null : p.fromPort(),
                allPorts ? null : p.toPort(),
                p.ipRanges().stream().map(IpRange::cidrIp).toList(),
                p.ipv6Ranges().stream().map(Ipv6Range::cidrIpv6).toList(),
                p.userIdGroupPairs().stream().map(UserIdGroupPair::groupId).toList(),
                p.prefixListIds().stream().map(PrefixListId::prefixListId).toList());
    }

    private DatabaseShape.OptionGroup optionGroup(Location where, String name) {
        try {
            var g = rds(where)
                    .describeOptionGroups(b -> b.optionGroupName(name))
                    .optionGroupsList()
                    .getFirst();
            return new DatabaseShape.OptionGroup(
                    name,
                    g.options().stream()
                            .map(o -> {
                                Map<String, String> settings = new HashMap<>();
                                o.optionSettings().forEach(s -> {
                                    if (s.value() != null) {
                                        settings.put(s.name(), s.value());
                                    }
                                });
                                return new DatabaseShape.Option(o.optionName(), o.port(), o.optionVersion(), settings);
                            })
                            .toList());
        } catch (OptionGroupNotFoundException e) {
            return new DatabaseShape.OptionGroup(name, List.of());
        }
    }

    @Override
    public Optional<DatabaseShape.ParameterGroup> parameterGroup(Location where, DbKind kind, String name) {
        RdsClient rds = rds(where);
        try {
            String family;
            List<Parameter> params = new ArrayList<>();
            if (kind == DbKind.CLUSTER) {
                var groups = rds.describeDBClusterParameterGroups(b -> b.dbClusterParameterGroupName(name))
                        .dbClusterParameterGroups();
                if (groups.isEmpty()) {
                    return Optional.empty();
                }
                family = groups.getFirst().dbParameterGroupFamily();
                String marker = null;
                do {
                    String m = marker;
                    var page = rds.describeDBClusterParameters(b ->
                            b.dbClusterParameterGroupName(name).source("user").marker(m));
                    params.addAll(page.parameters());
                    marker = page.marker();
                } while (marker != null && !marker.isEmpty());
            } else {
                // RDS answers DBParameterGroupNotFound; moto an empty list.
                var groups = rds.describeDBParameterGroups(b -> b.dbParameterGroupName(name))
                        .dbParameterGroups();
                if (groups.isEmpty()) {
                    return Optional.empty();
                }
                family = groups.getFirst().dbParameterGroupFamily();
                rds.describeDBParametersPaginator(
                                b -> b.dbParameterGroupName(name).source("user"))
                        .parameters()
                        .forEach(params::add);
            }
            return Optional.of(new DatabaseShape.ParameterGroup(
                    name,
                    family,
                    params.stream()
                            .filter(p -> p.parameterValue() != null)
                            .map(p -> new DatabaseShape.Parameter(
                                    p.parameterName(), p.parameterValue(), p.applyMethodAsString()))
                            .sorted(java.util.Comparator.comparing(DatabaseShape.Parameter::name))
                            .toList()));
        } catch (DbParameterGroupNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<Set<String>> acceptedParameters(Location where, DbKind kind, String family) {
        Set<String> names = new HashSet<>();
        try {
            String marker = null;
            do {
                String m = marker;
                var defaults = kind == DbKind.CLUSTER
                        ? rds(where)
                                .describeEngineDefaultClusterParameters(
                                        b -> b.dbParameterGroupFamily(family).marker(m))
                                .engineDefaults()
                        : rds(where)
                                .describeEngineDefaultParameters(
                                        b -> b.dbParameterGroupFamily(family).marker(m))
                                .engineDefaults();
                defaults.parameters().forEach(p -> names.add(p.parameterName()));
                marker = defaults.marker();
            } while (marker != null && !marker.isEmpty());
        } catch (SdkException e) {
            // The check is advice before the group is made: RDS itself refuses an unknown parameter when the group is
            // modified, naming it. A Region that cannot answer (moto does not implement the call; a denied or failing
            // call) leaves the plan saying it could not check.
            LOG.warn("could not list the parameters of {} in {}: {}", family, where, e.getMessage());
            return Optional.empty();
        }
        return names.isEmpty() ? Optional.empty() : Optional.of(names);
    }

    @Override
    public void createParameterGroup(
            Location where,
            DbKind kind,
            String name,
            String family,
            String description,
            List<DatabaseShape.Parameter> parameters,
            Map<String, String> tags) {
        RdsClient rds = rds(where);
        try {
            if (kind == DbKind.CLUSTER) {
                rds.createDBClusterParameterGroup(b -> b.dbClusterParameterGroupName(name)
                        .dbParameterGroupFamily(family)
                        .description(description)
                        .tags(rdsTags(tags)));
            } else {
                rds.createDBParameterGroup(b -> b.dbParameterGroupName(name)
                        .dbParameterGroupFamily(family)
                        .description(description)
                        .tags(rdsTags(tags)));
            }
        } catch (DbParameterGroupAlreadyExistsException e) {
            // Made meanwhile (another call of the same restore, or anyone): nothing that exists is changed. A group
            // holding exactly the values asked for is the one wanted; any other is refused, as RDS refuses the
            // create (the shapes contract found this adapter setting its values on a group with others).
            Map<String, String> wanted = new java.util.TreeMap<>();
            parameters.forEach(p -> wanted.put(p.name(), p.value()));
            Map<String, String> there = parameterGroup(where, kind, name)
                    .map(g -> (Map<String, String>) new java.util.TreeMap<>(g.values()))
                    .orElse(Map.of());
            if (there.equals(wanted)) {
                LOG.info("parameter group {} in {} was made meanwhile with the same values", name, where);
                return;
            }
            throw new RefusedException(
                    "a parameter group named " + name + " was made in " + where + " meanwhile, with other values than"
                            + " the recorded ones; nothing was changed",
                    "run the restore again (it uses that group if its values are the recorded ones), or pass "
                            + Param.PARAMETER_GROUP + " with the group to use");
        }
        for (int i = 0; i < parameters.size(); i += 20) {
            // pending-reboot is accepted for static and dynamic parameters alike, and a new database starts with
            // every value of its group.
            List<Parameter> batch = parameters.subList(i, Math.min(parameters.size(), i + 20)).stream()
                    .map(p -> Parameter.builder()
                            .parameterName(p.name())
                            .parameterValue(p.value())
                            .applyMethod(ApplyMethod.PENDING_REBOOT)
                            .build())
                    .toList();
            if (kind == DbKind.CLUSTER) {
                rds.modifyDBClusterParameterGroup(
                        b -> b.dbClusterParameterGroupName(name).parameters(batch));
            } else {
                rds.modifyDBParameterGroup(b -> b.dbParameterGroupName(name).parameters(batch));
            }
        }
    }

    @Override
    public void createOptionGroup(
            Location where,
            String name,
            String engine,
            String majorVersion,
            String description,
            List<DatabaseShape.Option> options,
            Map<String, String> tags) {
        RdsClient rds = rds(where);
        try {
            rds.createOptionGroup(b -> b.optionGroupName(name)
                    .engineName(engine)
                    .majorEngineVersion(majorVersion)
                    .optionGroupDescription(description)
                    .tags(rdsTags(tags)));
        } catch (OptionGroupAlreadyExistsException e) {
            // As for a parameter group: an option group made meanwhile is used only if it holds exactly the options
            // asked for, and never changed.
            if (optionsOf(rds, name).equals(optionsWanted(options))) {
                LOG.info("option group {} in {} was made meanwhile with the same options", name, where);
                return;
            }
            throw new RefusedException(
                    "an option group named " + name + " was made in " + where + " meanwhile, with other options than"
                            + " the recorded ones; nothing was changed",
                    "run the restore again, or restore without the recorded shape (" + Param.NO_SHAPE + ")");
        }
        if (!options.isEmpty()) {
            rds.modifyOptionGroup(b -> b.optionGroupName(name)
                    .applyImmediately(true)
                    .optionsToInclude(options.stream()
                            .map(o -> software.amazon.awssdk.services.rds.model.OptionConfiguration.builder()
                                    .optionName(o.name())
                                    .port(o.port())
                                    .optionVersion(o.version())
                                    .optionSettings(o.settings().entrySet().stream()
                                            .map(e -> software.amazon.awssdk.services.rds.model.OptionSetting.builder()
                                                    .name(e.getKey())
                                                    .value(e.getValue())
                                                    .build())
                                            .toList())
                                    .build())
                            .toList()));
        }
    }

    /** Each option's name and its settings that have a value, as an option group holds them. */
    private static Map<String, Map<String, String>> optionsOf(RdsClient rds, String name) {
        Map<String, Map<String, String>> out = new java.util.TreeMap<>();
        rds.describeOptionGroups(b -> b.optionGroupName(name)).optionGroupsList().stream()
                .flatMap(g -> g.options().stream())
                .forEach(o -> {
                    Map<String, String> settings = new java.util.TreeMap<>();
                    o.optionSettings().stream()
                            .filter(x -> x.value() != null)
                            .forEach(x -> settings.put(x.name(), x.value()));
                    out.put(o.optionName(), settings);
                });
        return out;
    }

    private static Map<String, Map<String, String>> optionsWanted(List<DatabaseShape.Option> options) {
        Map<String, Map<String, String>> out = new java.util.TreeMap<>();
        options.forEach(o -> out.put(o.name(), new java.util.TreeMap<>(o.settings())));
        return out;
    }

    @Override
    public boolean optionGroupExists(Location where, String name) {
        try {
            return !rds(where)
                    .describeOptionGroups(b -> b.optionGroupName(name))
                    .optionGroupsList()
                    .isEmpty();
        } catch (OptionGroupNotFoundException e) {
            return false;
        }
    }

    @Override
    public boolean subnetGroupExists(Location where, String name) {
        try {
            return !rds(where)
                    .describeDBSubnetGroups(b -> b.dbSubnetGroupName(name))
                    .dbSubnetGroups()
                    .isEmpty();
        } catch (DbSubnetGroupNotFoundException e) {
            return false;
        }
    }

    @Override
    public Set<String> existingSecurityGroups(Location where, Collection<String> ids) {
        Set<String> out = new HashSet<>();
        ec2(where)
                .describeSecurityGroupsPaginator(b ->
                        b.filters(Filter.builder().name("group-id").values(ids).build()))
                .securityGroups()
                .forEach(g -> out.add(g.groupId()));
        return out;
    }

    @Override
    public String vpcOfSubnets(Location where, Collection<String> subnetIds) {
        List<software.amazon.awssdk.services.ec2.model.Subnet> subnets;
        try {
            subnets = ec2(where).describeSubnets(b -> b.subnetIds(subnetIds)).subnets();
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null
                    && "InvalidSubnetID.NotFound".equals(e.awsErrorDetails().errorCode())) {
                throw new InvalidInputException(
                        "--subnet: not every subnet of " + String.join(", ", subnetIds) + " exists in " + where,
                        "pass subnets of the target account and Region (aws ec2 describe-subnets)");
            }
            throw e;
        }
        Set<String> vpcs = new HashSet<>();
        subnets.forEach(s -> vpcs.add(s.vpcId()));
        if (subnets.size() != new HashSet<>(subnetIds).size() || vpcs.size() != 1) {
            throw new InvalidInputException(
                    "--subnet: the subnets " + String.join(", ", subnetIds) + " are not all of one VPC in " + where,
                    "pass subnets of one VPC, in at least two Availability Zones");
        }
        return vpcs.iterator().next();
    }

    @Override
    public void createSubnetGroup(
            Location where, String name, String description, Collection<String> subnetIds, Map<String, String> tags) {
        try {
            rds(where)
                    .createDBSubnetGroup(b -> b.dbSubnetGroupName(name)
                            .dbSubnetGroupDescription(description)
                            .subnetIds(subnetIds)
                            .tags(rdsTags(tags)));
        } catch (DbSubnetGroupAlreadyExistsException e) {
            LOG.info("DB subnet group {} in {} was made meanwhile", name, where);
        }
    }

    @Override
    public Optional<Set<String>> subnetGroupSubnets(Location where, String name) {
        try {
            var groups = rds(where)
                    .describeDBSubnetGroups(b -> b.dbSubnetGroupName(name))
                    .dbSubnetGroups();
            if (groups.isEmpty()) {
                return Optional.empty();
            }
            Set<String> out = new java.util.TreeSet<>();
            groups.getFirst().subnets().forEach(x -> out.add(x.subnetIdentifier()));
            return Optional.of(out);
        } catch (DbSubnetGroupNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<DatabaseShape.SecurityGroup> securityGroup(Location where, String groupId) {
        try {
            return ec2(where).describeSecurityGroups(b -> b.groupIds(groupId)).securityGroups().stream()
                    .findFirst()
                    .map(AwsDatabaseShapes::securityGroup);
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null
                    && "InvalidGroup.NotFound".equals(e.awsErrorDetails().errorCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Optional<String> securityGroupNamed(Location where, String vpcId, String name) {
        return ec2(where)
                .describeSecurityGroups(b -> b.filters(
                        Filter.builder().name("vpc-id").values(vpcId).build(),
                        Filter.builder().name("group-name").values(name).build()))
                .securityGroups()
                .stream()
                .map(SecurityGroup::groupId)
                .findFirst();
    }

    @Override
    public String createSecurityGroup(
            Location where, String vpcId, String name, String description, Map<String, String> tags) {
        try {
            return newSecurityGroup(where, vpcId, name, description, tags);
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() != null
                    && "InvalidGroup.Duplicate".equals(e.awsErrorDetails().errorCode())) {
                LOG.info("security group {} in {} was made meanwhile", name, vpcId);
                return securityGroupNamed(where, vpcId, name).orElseThrow(() -> e);
            }
            throw e;
        }
    }

    private String newSecurityGroup(
            Location where, String vpcId, String name, String description, Map<String, String> tags) {
        return ec2(where)
                .createSecurityGroup(b -> b.groupName(name)
                        .description(description)
                        .vpcId(vpcId)
                        .tagSpecifications(TagSpecification.builder()
                                .resourceType(ResourceType.SECURITY_GROUP)
                                .tags(tags.entrySet().stream()
                                        .map(e -> software.amazon.awssdk.services.ec2.model.Tag.builder()
                                                .key(e.getKey())
                                                .value(e.getValue())
                                                .build())
                                        .toList())
                                .build()))
                .groupId();
    }

    @Override
    public void setRules(
            Location where, String groupId, List<DatabaseShape.Rule> ingress, List<DatabaseShape.Rule> egress) {
        Ec2Client ec2 = ec2(where);
        // One source per request: EC2 refuses a whole request when one of its ranges is there already
        // (InvalidPermission.Duplicate) and adds none of the others, so a rule the group held in part would be left
        // unfinished (found by the shapes contract, against moto).
        for (DatabaseShape.Rule r : singles(ingress)) {
            ignoring(
                    "InvalidPermission.Duplicate",
                    () -> ec2.authorizeSecurityGroupIngress(
                            b -> b.groupId(groupId).ipPermissions(permission(r))));
        }
        IpPermission allowAll = IpPermission.builder()
                .ipProtocol("-1")
                .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build())
                .build();
        boolean keepsAllowAll = egress.stream()
                .anyMatch(r -> "-1".equals(r.protocol()) && r.ipv4Ranges().contains("0.0.0.0/0"));
        if (!keepsAllowAll) {
            ignoring(
                    "InvalidPermission.NotFound",
                    () -> ec2.revokeSecurityGroupEgress(b -> b.groupId(groupId).ipPermissions(allowAll)));
        }
        for (DatabaseShape.Rule r : singles(egress)) {
            ignoring(
                    "InvalidPermission.Duplicate",
                    () -> ec2.authorizeSecurityGroupEgress(
                            b -> b.groupId(groupId).ipPermissions(permission(r))));
        }
    }

    private static void ignoring(String code, Runnable call) {
        try {
            call.run();
        } catch (AwsServiceException e) {
            if (e.awsErrorDetails() == null || !code.equals(e.awsErrorDetails().errorCode())) {
                throw e;
            }
        }
    }

    /** Each rule as rules of one source each: an IPv4 range, an IPv6 range, a group or a prefix list. */
    static List<DatabaseShape.Rule> singles(List<DatabaseShape.Rule> rules) {
        List<DatabaseShape.Rule> out = new java.util.ArrayList<>();
        for (DatabaseShape.Rule r : rules) {
            r.ipv4Ranges()
                    .forEach(c -> out.add(new DatabaseShape.Rule(
                            r.protocol(), r.fromPort(), r.toPort(), List.of(c), List.of(), List.of(), List.of())));
            r.ipv6Ranges()
                    .forEach(c -> out.add(new DatabaseShape.Rule(
                            r.protocol(), r.fromPort(), r.toPort(), List.of(), List.of(c), List.of(), List.of())));
            r.groupIds()
                    .forEach(g -> out.add(new DatabaseShape.Rule(
                            r.protocol(), r.fromPort(), r.toPort(), List.of(), List.of(), List.of(g), List.of())));
            r.prefixListIds()
                    .forEach(p -> out.add(new DatabaseShape.Rule(
                            r.protocol(), r.fromPort(), r.toPort(), List.of(), List.of(), List.of(), List.of(p))));
        }
        return out;
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

    private static List<Tag> rdsTags(Map<String, String> tags) {
        return tags.entrySet().stream()
                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                .toList();
    }

    private static Map<String, String> tags(List<Tag> tags) {
        Map<String, String> m = new HashMap<>();
        if (tags != null) {
            tags.forEach(t -> m.put(t.key(), t.value()));
        }
        return m;
    }

    @Override
    public void close() {
        rdsClients.values().forEach(RdsClient::close);
        ec2Clients.values().forEach(Ec2Client::close);
    }
}
