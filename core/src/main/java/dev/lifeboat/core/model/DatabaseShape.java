package dev.lifeboat.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a source database was when it was backed up: everything RDS would otherwise pick a default for when it is
 * restored (instance class, storage, network, parameter and option groups, protections, tags). Recorded by the
 * snapshot pipeline into the vault beside each run's copy (write-once), read back by restores and by
 * {@code lifeboat shape}. It never holds a secret: RDS describes none of these with one (the master password is not
 * describable; parameter and option values are what DescribeDBParameters and DescribeOptionGroups answer).
 *
 * <p>For an Aurora cluster, the instance fields describe the writer and {@link #members} lists every instance.
 *
 * @param parameterGroup the DB parameter group (an instance's), or the DB cluster parameter group (a cluster's),
 *     with only the parameters that differ from the engine default (DescribeDBParameters Source=user)
 */
public record DatabaseShape(
        int version,
        String databaseId,
        DbKind kind,
        String identifier,
        String account,
        String region,
        Instant recordedAt,
        String engine,
        String engineVersion,
        String instanceClass,
        Storage storage,
        boolean multiAz,
        Integer port,
        Network network,
        ParameterGroup parameterGroup,
        OptionGroup optionGroup,
        boolean iamAuthentication,
        boolean performanceInsights,
        int backupRetentionDays,
        boolean deletionProtection,
        boolean copyTagsToSnapshot,
        String caCertificate,
        Map<String, String> tags,
        List<Member> members,
        String writtenBy) {
    public static final int CURRENT_VERSION = 1;

    public DatabaseShape {
        tags = tags == null ? Map.of() : new TreeMap<>(tags);
        members = members == null ? List.of() : List.copyOf(members);
    }

    /** A shape described now, by this Lifeboat: {@code writtenBy} is this build's version. */
    public DatabaseShape(
            int version,
            String databaseId,
            DbKind kind,
            String identifier,
            String account,
            String region,
            Instant recordedAt,
            String engine,
            String engineVersion,
            String instanceClass,
            Storage storage,
            boolean multiAz,
            Integer port,
            Network network,
            ParameterGroup parameterGroup,
            OptionGroup optionGroup,
            boolean iamAuthentication,
            boolean performanceInsights,
            int backupRetentionDays,
            boolean deletionProtection,
            boolean copyTagsToSnapshot,
            String caCertificate,
            Map<String, String> tags,
            List<Member> members) {
        this(
                version,
                databaseId,
                kind,
                identifier,
                account,
                region,
                recordedAt,
                engine,
                engineVersion,
                instanceClass,
                storage,
                multiAz,
                port,
                network,
                parameterGroup,
                optionGroup,
                iamAuthentication,
                performanceInsights,
                backupRetentionDays,
                deletionProtection,
                copyTagsToSnapshot,
                caCertificate,
                tags,
                members,
                dev.lifeboat.protocol.BuildInfo.current().version());
    }

    /**
     * A note when a newer Lifeboat than {@code reader} recorded this shape: fields it added are not read here, and a
     * restore that follows this record would leave them at RDS's defaults.
     */
    public java.util.Optional<String> newerWriterThan(String reader) {
        return WriterVersion.newerThanReader(writtenBy, reader);
    }

    /** Storage as RDS describes it; null fields were not reported (Aurora's storage is the cluster's). */
    public record Storage(String type, Integer allocatedGiB, Integer iops, Integer throughputMiBps) {}

    /** The DB subnet group with its subnets, and the VPC security groups with their rules. */
    public record Network(String subnetGroup, String vpcId, List<Subnet> subnets, List<SecurityGroup> securityGroups) {
        public Network {
            subnets = subnets == null ? List.of() : List.copyOf(subnets);
            securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
        }

        public List<String> securityGroupIds() {
            return securityGroups.stream().map(SecurityGroup::id).toList();
        }
    }

    public record Subnet(String id, String availabilityZone, String cidr) {}

    public record SecurityGroup(
            String id, String name, String description, String vpcId, List<Rule> ingress, List<Rule> egress) {
        public SecurityGroup {
            ingress = ingress == null ? List.of() : List.copyOf(ingress);
            egress = egress == null ? List.of() : List.copyOf(egress);
        }
    }

    /**
     * One permission of a security group: protocol ("-1" for all), port range (null for all), and whom it admits:
     * IPv4 and IPv6 ranges, other security groups (by id) and prefix lists.
     */
    public record Rule(
            String protocol,
            Integer fromPort,
            Integer toPort,
            List<String> ipv4Ranges,
            List<String> ipv6Ranges,
            List<String> groupIds,
            List<String> prefixListIds) {
        public Rule {
            ipv4Ranges = ipv4Ranges == null ? List.of() : List.copyOf(ipv4Ranges);
            ipv6Ranges = ipv6Ranges == null ? List.of() : List.copyOf(ipv6Ranges);
            groupIds = groupIds == null ? List.of() : List.copyOf(groupIds);
            prefixListIds = prefixListIds == null ? List.of() : List.copyOf(prefixListIds);
        }
    }

    /** A parameter group and the parameters of it that differ from the engine default. */
    public record ParameterGroup(String name, String family, List<Parameter> parameters) {
        public ParameterGroup {
            parameters = parameters == null ? List.of() : List.copyOf(parameters);
        }

        /** RDS's own groups ("default.postgres16") hold the engine defaults; restoring uses them as they are. */
        public boolean isDefault() {
            return name == null || name.startsWith("default.") || name.startsWith("default:");
        }

        public Map<String, String> values() {
            Map<String, String> m = new TreeMap<>();
            parameters.forEach(p -> m.put(p.name(), p.value()));
            return m;
        }
    }

    /** {@code applyMethod}: "immediate" or "pending-reboot". */
    public record Parameter(String name, String value, String applyMethod) {}

    public record OptionGroup(String name, List<Option> options) {
        public OptionGroup {
            options = options == null ? List.of() : List.copyOf(options);
        }

        public boolean isDefault() {
            return name == null || name.startsWith("default:") || name.startsWith("default.");
        }
    }

    public record Option(String name, Integer port, String version, Map<String, String> settings) {
        public Option {
            settings = settings == null ? Map.of() : new TreeMap<>(settings);
        }
    }

    /** An instance of an Aurora cluster. */
    public record Member(String identifier, String instanceClass, Integer promotionTier, boolean writer) {}

    /** The writer's instance class of a cluster, or the instance's own. */
    public String writerClass() {
        if (kind == DbKind.CLUSTER) {
            return members.stream()
                    .filter(Member::writer)
                    .map(Member::instanceClass)
                    .findFirst()
                    .orElse(instanceClass);
        }
        return instanceClass;
    }
}
