package dev.lifeboat.core.testing;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.DatabaseShapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shape calls of RDS and EC2 in memory, for the restore's decisions; it keeps the port's contract as the AWS
 * adapter does (ShapesContract: InMemoryShapesContractTest here, AwsDatabaseShapesContractIT against moto). It keeps
 * the documented rules a restore could trip over: ModifyDBParameterGroup takes at most 20 parameters and refuses one
 * its family does not know ("Could not find parameter with name"); a group, subnet group or security group name is
 * unique in its place, and DB parameter groups and DB cluster parameter groups are apart; EC2 describes a security
 * group's rules of one protocol and port range as one permission; DescribeEngineDefaultParameters answers only for
 * families given here (others: the Region cannot answer, like moto).
 */
public final class InMemoryShapes implements DatabaseShapes {
    public final Map<String, DatabaseShape> databases = new HashMap<>();
    public final Map<String, DatabaseShape.ParameterGroup> parameterGroups = new HashMap<>();
    /** DB cluster parameter groups: RDS keeps them apart from DB parameter groups, a name may be in both. */
    public final Map<String, DatabaseShape.ParameterGroup> clusterParameterGroups = new HashMap<>();

    public final Map<String, Map<String, String>> createdTags = new HashMap<>();
    public final Map<String, Set<String>> familyParameters = new HashMap<>();
    public final Set<String> optionGroups = new HashSet<>();
    public final Map<String, List<String>> subnetGroups = new HashMap<>();
    /** Subnet id to VPC id, per location. */
    public final Map<String, String> subnets = new HashMap<>();
    /** Security group key (location/id) to its name, VPC and rules. */
    public final Map<String, DatabaseShape.SecurityGroup> securityGroups = new HashMap<>();

    public final List<String> calls = new ArrayList<>();
    private int nextGroup = 1;

    static String key(Location where, String name) {
        return where + "/" + name;
    }

    public void addSecurityGroup(Location where, DatabaseShape.SecurityGroup g) {
        securityGroups.put(key(where, g.id()), g);
    }

    /** Thrown by {@link #describe} when set: a source role without the permission, EC2 failing. */
    public RuntimeException describeFailure;

    @Override
    public Optional<DatabaseShape> describe(Location where, DbKind kind, String identifier, String databaseId) {
        calls.add("describe " + identifier);
        if (describeFailure != null) {
            throw describeFailure;
        }
        return Optional.ofNullable(databases.get(key(where, identifier)));
    }

    private Map<String, DatabaseShape.ParameterGroup> groupsOf(DbKind kind) {
        return kind == DbKind.CLUSTER ? clusterParameterGroups : parameterGroups;
    }

    /** The key of a parameter group's tags in {@link #createdTags}. */
    static String parameterGroupKey(Location where, DbKind kind, String name) {
        return key(where, (kind == DbKind.CLUSTER ? "cluster-pg:" : "") + name);
    }

    @Override
    public Optional<DatabaseShape.ParameterGroup> parameterGroup(Location where, DbKind kind, String name) {
        return Optional.ofNullable(groupsOf(kind).get(key(where, name)));
    }

    @Override
    public Optional<Set<String>> acceptedParameters(Location where, DbKind kind, String family) {
        return Optional.ofNullable(familyParameters.get(family));
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
        calls.add("CreateDBParameterGroup " + name);
        DatabaseShape.ParameterGroup there = groupsOf(kind).get(key(where, name));
        if (there != null) {
            // Another call of the same restore made it meanwhile, with the same values: it counts as made. A group of
            // that name with other values is not changed (nothing here modifies what exists).
            if (there.family().equals(family)
                    && there.values().equals(new DatabaseShape.ParameterGroup(name, family, parameters).values())) {
                return;
            }
            throw new IllegalStateException("DBParameterGroupAlreadyExists: " + name);
        }
        Set<String> known = familyParameters.get(family);
        for (int i = 0; i < parameters.size(); i += 20) {
            List<DatabaseShape.Parameter> batch = parameters.subList(i, Math.min(parameters.size(), i + 20));
            calls.add("ModifyDBParameterGroup " + name + " " + batch.size());
            for (DatabaseShape.Parameter p : batch) {
                if (known != null && !known.contains(p.name())) {
                    throw new IllegalStateException(
                            "InvalidParameterValue: Could not find parameter with name: " + p.name());
                }
            }
        }
        groupsOf(kind).put(key(where, name), new DatabaseShape.ParameterGroup(name, family, parameters));
        createdTags.put(parameterGroupKey(where, kind, name), Map.copyOf(tags));
    }

    public final Map<String, List<DatabaseShape.Option>> optionGroupOptions = new HashMap<>();

    @Override
    public void createOptionGroup(
            Location where,
            String name,
            String engine,
            String majorVersion,
            String description,
            List<DatabaseShape.Option> options,
            Map<String, String> tags) {
        calls.add("CreateOptionGroup " + name + " " + engine + " " + majorVersion);
        if (!optionGroups.add(key(where, name))) {
            // Made meanwhile by another call of the same restore with the same options: it counts as made. One with
            // other options is not changed.
            if (List.copyOf(options).equals(optionGroupOptions.get(key(where, name)))) {
                return;
            }
            throw new IllegalStateException("OptionGroupAlreadyExistsFault: " + name);
        }
        optionGroupOptions.put(key(where, name), List.copyOf(options));
        createdTags.put(key(where, name), Map.copyOf(tags));
    }

    @Override
    public boolean optionGroupExists(Location where, String name) {
        return optionGroups.contains(key(where, name));
    }

    @Override
    public boolean subnetGroupExists(Location where, String name) {
        return subnetGroups.containsKey(key(where, name));
    }

    @Override
    public Optional<Set<String>> subnetGroupSubnets(Location where, String name) {
        List<String> subnets = subnetGroups.get(key(where, name));
        return subnets == null ? Optional.empty() : Optional.of(new TreeSet<>(subnets));
    }

    /** As EC2 describes them: the rules of one protocol and port range as one permission, each source once. */
    @Override
    public Optional<DatabaseShape.SecurityGroup> securityGroup(Location where, String groupId) {
        return Optional.ofNullable(securityGroups.get(key(where, groupId)))
                .map(g -> new DatabaseShape.SecurityGroup(
                        g.id(),
                        g.name(),
                        g.description(),
                        g.vpcId(),
                        asDescribed(g.ingress()),
                        asDescribed(g.egress())));
    }

    private static List<DatabaseShape.Rule> asDescribed(List<DatabaseShape.Rule> rules) {
        Map<List<Object>, List<Set<String>>> byPorts = new LinkedHashMap<>();
        for (DatabaseShape.Rule r : rules) {
            List<Set<String>> sources = byPorts.computeIfAbsent(
                    Arrays.asList(r.protocol(), r.fromPort(), r.toPort()),
                    k -> List.of(
                            new LinkedHashSet<>(),
                            new LinkedHashSet<>(),
                            new LinkedHashSet<>(),
                            new LinkedHashSet<>()));
            sources.get(0).addAll(r.ipv4Ranges());
            sources.get(1).addAll(r.ipv6Ranges());
            sources.get(2).addAll(r.groupIds());
            sources.get(3).addAll(r.prefixListIds());
        }
        List<DatabaseShape.Rule> out = new ArrayList<>();
        byPorts.forEach((k, s) -> out.add(new DatabaseShape.Rule(
                (String) k.get(0),
                (Integer) k.get(1),
                (Integer) k.get(2),
                List.copyOf(s.get(0)),
                List.copyOf(s.get(1)),
                List.copyOf(s.get(2)),
                List.copyOf(s.get(3)))));
        return out;
    }

    @Override
    public Set<String> existingSecurityGroups(Location where, Collection<String> ids) {
        Set<String> out = new TreeSet<>();
        ids.forEach(id -> {
            if (securityGroups.containsKey(key(where, id))) {
                out.add(id);
            }
        });
        return out;
    }

    @Override
    public String vpcOfSubnets(Location where, Collection<String> subnetIds) {
        Set<String> vpcs = new HashSet<>();
        for (String s : subnetIds) {
            String vpc = subnets.get(key(where, s));
            if (vpc == null) {
                throw new InvalidInputException("--subnet: " + s + " does not exist in " + where, "pass others");
            }
            vpcs.add(vpc);
        }
        if (vpcs.size() != 1) {
            throw new InvalidInputException("--subnet: not all of one VPC", "pass subnets of one VPC");
        }
        return vpcs.iterator().next();
    }

    @Override
    public void createSubnetGroup(
            Location where, String name, String description, Collection<String> subnetIds, Map<String, String> tags) {
        calls.add("CreateDBSubnetGroup " + name);
        // One of that name counts as made, left as it is (DBSubnetGroupAlreadyExists): the caller checks its subnets.
        if (subnetGroups.putIfAbsent(key(where, name), List.copyOf(subnetIds)) == null) {
            createdTags.put(key(where, name), Map.copyOf(tags));
        }
    }

    @Override
    public Optional<String> securityGroupNamed(Location where, String vpcId, String name) {
        return securityGroups.entrySet().stream()
                .filter(e -> e.getKey().startsWith(where + "/"))
                .map(Map.Entry::getValue)
                .filter(g -> g.vpcId().equals(vpcId) && g.name().equals(name))
                .map(DatabaseShape.SecurityGroup::id)
                .findFirst();
    }

    @Override
    public String createSecurityGroup(
            Location where, String vpcId, String name, String description, Map<String, String> tags) {
        calls.add("CreateSecurityGroup " + name);
        Optional<String> meanwhile = securityGroupNamed(where, vpcId, name);
        if (meanwhile.isPresent()) {
            return meanwhile.get(); // InvalidGroup.Duplicate: made by another call of the same restore
        }
        String id = String.format("sg-new%013d", nextGroup++);
        DatabaseShape.Rule allowAll = new DatabaseShape.Rule("-1", null, null, List.of("0.0.0.0/0"), null, null, null);
        securityGroups.put(
                key(where, id),
                new DatabaseShape.SecurityGroup(id, name, description, vpcId, List.of(), List.of(allowAll)));
        createdTags.put(key(where, id), Map.copyOf(tags));
        return id;
    }

    @Override
    public void setRules(
            Location where, String groupId, List<DatabaseShape.Rule> ingress, List<DatabaseShape.Rule> egress) {
        DatabaseShape.SecurityGroup g = securityGroups.get(key(where, groupId));
        if (g == null) {
            throw new IllegalStateException("InvalidGroup.NotFound: " + groupId);
        }
        List<DatabaseShape.Rule> in = new ArrayList<>(g.ingress());
        ingress.stream().filter(r -> !in.contains(r)).forEach(in::add);
        List<DatabaseShape.Rule> out = new ArrayList<>(g.egress());
        boolean keepsAllowAll = egress.stream()
                .anyMatch(r -> "-1".equals(r.protocol()) && r.ipv4Ranges().contains("0.0.0.0/0"));
        if (!keepsAllowAll) {
            out.removeIf(r -> "-1".equals(r.protocol()) && r.ipv4Ranges().contains("0.0.0.0/0"));
        }
        egress.stream().filter(r -> !out.contains(r)).forEach(out::add);
        // AuthorizeSecurityGroupIngress and AuthorizeSecurityGroupEgress alike refuse a rule naming a group that does
        // not exist (InvalidGroup.NotFound).
        for (DatabaseShape.Rule r : concat(in, out)) {
            for (String ref : r.groupIds()) {
                if (!securityGroups.containsKey(key(where, ref))) {
                    throw new IllegalStateException("InvalidGroup.NotFound: " + ref);
                }
            }
        }
        securityGroups.put(
                key(where, groupId),
                new DatabaseShape.SecurityGroup(g.id(), g.name(), g.description(), g.vpcId(), in, out));
    }

    private static List<DatabaseShape.Rule> concat(List<DatabaseShape.Rule> a, List<DatabaseShape.Rule> b) {
        List<DatabaseShape.Rule> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
