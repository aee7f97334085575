package dev.lifeboat.core.testing;

import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.DatabaseShapes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/** The in-memory fake the restore's tests run on keeps the shapes' contract, as the AWS adapter does. */
class InMemoryShapesContractTest extends ShapesContract {
    private static final Location HERE = new Location("111111111111", "eu-west-1");
    private static final Location ELSEWHERE = new Location("111111111111", "eu-central-1");

    private final InMemoryShapes fake = new InMemoryShapes();
    private final Map<String, DatabaseShape.Subnet> subnets = new HashMap<>();
    private final Random ids = new Random(35);

    /** An EC2-like id: the prefix and 17 hex digits. */
    private String id(String prefix) {
        byte[] b = new byte[9];
        ids.nextBytes(b);
        return prefix + "-" + HexFormat.of().formatHex(b).substring(0, 17);
    }

    @Override
    protected DatabaseShapes shapes() {
        return fake;
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
        String vpc = id("vpc");
        DatabaseShape.Subnet a = new DatabaseShape.Subnet(id("subnet"), HERE.region() + "a", "10." + octet + ".1.0/24");
        DatabaseShape.Subnet b = new DatabaseShape.Subnet(id("subnet"), HERE.region() + "b", "10." + octet + ".2.0/24");
        for (DatabaseShape.Subnet s : List.of(a, b)) {
            fake.subnets.put(InMemoryShapes.key(HERE, s.id()), vpc);
            subnets.put(s.id(), s);
        }
        return new Network(vpc, "10." + octet + ".0.0/16", a, b);
    }

    @Override
    protected String givenSecurityGroup(String vpcId, String name, List<DatabaseShape.Rule> ingress) {
        String id = id("sg");
        fake.addSecurityGroup(
                HERE, new DatabaseShape.SecurityGroup(id, name, name, vpcId, ingress, List.of(ALLOW_ALL)));
        return id;
    }

    @Override
    protected void givenParameterGroup(DbKind kind, String name, String family, Map<String, String> values) {
        List<DatabaseShape.Parameter> parameters = new ArrayList<>();
        new TreeMap<>(values).forEach((n, v) -> parameters.add(new DatabaseShape.Parameter(n, v, "pending-reboot")));
        (kind == DbKind.CLUSTER ? fake.clusterParameterGroups : fake.parameterGroups)
                .put(InMemoryShapes.key(HERE, name), new DatabaseShape.ParameterGroup(name, family, parameters));
    }

    @Override
    protected void givenSubnetGroup(String name, List<String> subnetIds) {
        fake.subnetGroups.put(InMemoryShapes.key(HERE, name), List.copyOf(subnetIds));
    }

    @Override
    protected void givenEngineDefaults(DbKind kind, String family, Set<String> names) {
        fake.familyParameters.put(family, Set.copyOf(names));
    }

    @Override
    protected void givenInstance(
            String identifier,
            String subnetGroup,
            List<String> securityGroupIds,
            String parameterGroup,
            Map<String, String> tags) {
        List<String> members = fake.subnetGroups.get(InMemoryShapes.key(HERE, subnetGroup));
        DatabaseShape.Network network = new DatabaseShape.Network(
                subnetGroup,
                fake.subnets.get(InMemoryShapes.key(HERE, members.getFirst())),
                members.stream().map(subnets::get).toList(),
                securityGroupIds.stream()
                        .map(g -> fake.securityGroup(HERE, g).orElseThrow())
                        .toList());
        fake.databases.put(
                InMemoryShapes.key(HERE, identifier),
                new DatabaseShape(
                        DatabaseShape.CURRENT_VERSION,
                        "orders",
                        DbKind.INSTANCE,
                        identifier,
                        HERE.account(),
                        HERE.region(),
                        Instant.parse("2026-11-26T03:00:00Z"),
                        "postgres",
                        "16.4",
                        "db.r6g.large",
                        new DatabaseShape.Storage("gp3", 100, null, null),
                        false,
                        5432,
                        network,
                        fake.parameterGroup(HERE, DbKind.INSTANCE, parameterGroup)
                                .orElseThrow(),
                        null,
                        false,
                        false,
                        7,
                        false,
                        false,
                        null,
                        tags,
                        List.of()));
    }

    @Override
    protected Map<String, String> tagsOf(Tagged what, String nameOrId) {
        String key = switch (what) {
            case PARAMETER_GROUP -> InMemoryShapes.parameterGroupKey(HERE, DbKind.INSTANCE, nameOrId);
            case CLUSTER_PARAMETER_GROUP -> InMemoryShapes.parameterGroupKey(HERE, DbKind.CLUSTER, nameOrId);
            default -> InMemoryShapes.key(HERE, nameOrId);
        };
        return fake.createdTags.getOrDefault(key, Map.of());
    }

    @Override
    protected Map<String, Map<String, String>> optionsOf(String optionGroup) {
        Map<String, Map<String, String>> out = new HashMap<>();
        fake.optionGroupOptions
                .getOrDefault(InMemoryShapes.key(HERE, optionGroup), List.of())
                .forEach(o -> out.put(o.name(), o.settings()));
        return out;
    }
}
