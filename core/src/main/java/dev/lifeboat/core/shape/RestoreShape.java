package dev.lifeboat.core.shape;

import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseShape;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.DatabaseShapes;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.Tags;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Resolves every value of a snapshot restore from the recorded shape, the operator's overrides and what still exists
 * in the target, and says where each came from (recorded, overridden, created, or the default). What the recorded
 * shape names and the target lacks is recreated from the record when that is safe (a parameter group with the
 * recorded values; with {@code --create-network}, a DB subnet group in subnets the operator names and security
 * groups with the recorded rules, never more open), or the restore is refused with what to pass. Resolving only
 * describes; {@link Resolved#create} makes what the plan says it will make, and nothing existing is modified.
 */
public final class RestoreShape {
    /** The tag on everything a restore creates: {@code lifeboat:restore=<new identifier>}. */
    public static final String RESTORE_TAG = Tags.RESTORE;
    /** RDS: "A resource can have a maximum of 50 tags" (USER_Tagging.html). */
    static final int MAX_TAGS = 50;
    /** ModifyDBParameterGroup: "You can modify up to 20 parameters in a single request" (API reference). */
    public static final int PARAMETERS_PER_CALL = 20;
    /**
     * gp3 below this size runs at its baseline and RDS refuses explicit IOPS or throughput for MariaDB, MySQL and
     * PostgreSQL ("gp3 storage": https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html#gp3-storage).
     */
    static final int GP3_PROVISIONED_FROM_GIB = 400;

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);

    private RestoreShape() {}

    public enum Origin {
        RECORDED("recorded"),
        OVERRIDDEN("given"),
        CREATED("created from the record"),
        DEFAULT("default");

        private final String label;

        Origin(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One value of the plan: the field as RDS names it, the value, and where it came from. */
    public record Choice(String field, String value, Origin origin) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-28s %-40s (%s)", field, value, origin.label());
        }
    }

    /** What the operator gave; null or empty: take the record's. */
    public record Overrides(
            String instanceClass,
            String subnetGroup,
            List<String> securityGroups,
            String parameterGroup,
            String optionGroup,
            Boolean multiAz,
            boolean createNetwork,
            List<String> subnets,
            Set<String> dropParameters) {
        public Overrides {
            securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
            subnets = subnets == null ? List.of() : List.copyOf(subnets);
            dropParameters = dropParameters == null ? Set.of() : Set.copyOf(dropParameters);
        }

        public static Overrides none() {
            return new Overrides(null, null, null, null, null, null, false, null, null);
        }
    }

    /** A parameter group the restore creates from the record. */
    public record NewParameterGroup(String name, String family, List<DatabaseShape.Parameter> parameters) {}

    /** An option group the restore creates from the record: engine and major version, options with settings. */
    public record NewOptionGroup(String name, String engine, String majorVersion, List<DatabaseShape.Option> options) {}

    /** A security group the restore creates in {@code vpcId} from a recorded one. */
    public record NewSecurityGroup(
            String recordedId,
            String name,
            String description,
            List<DatabaseShape.Rule> ingress,
            List<DatabaseShape.Rule> egress) {}

    /** The network a restore creates: a DB subnet group of the given subnets, and security groups in their VPC. */
    public record NewNetwork(
            String subnetGroup, List<String> subnets, String vpcId, List<NewSecurityGroup> securityGroups) {}

    /** The resolved restore: values, their origins, notes for the operator, and what {@link #create} makes. */
    public record Resolved(
            String instanceClass,
            boolean multiAz,
            String subnetGroup,
            List<String> securityGroups,
            String parameterGroup,
            String optionGroup,
            RdsGateway.Shaped shaped,
            Map<String, String> tags,
            List<Choice> choices,
            List<String> notes,
            Optional<NewParameterGroup> newParameterGroup,
            Optional<NewOptionGroup> newOptionGroup,
            Optional<NewNetwork> newNetwork) {

        /**
         * Creates what the plan says (a parameter group, a subnet group and security groups), each tagged
         * {@code lifeboat:restore}; what exists already from an earlier call of the same restore is reused. Returns the
         * security group ids to restore with.
         */
        public List<String> create(DatabaseShapes shapes, Location where, DbKind kind, Map<String, String> tags) {
            newParameterGroup.ifPresent(p -> {
                Optional<DatabaseShape.ParameterGroup> there = shapes.parameterGroup(where, kind, p.name());
                if (there.isEmpty()) {
                    shapes.createParameterGroup(
                            where,
                            kind,
                            p.name(),
                            p.family(),
                            "Recreated by Lifeboat from the recorded " + p.family() + " values",
                            p.parameters(),
                            tags);
                }
            });
            newOptionGroup.ifPresent(g -> {
                if (!shapes.optionGroupExists(where, g.name())) {
                    shapes.createOptionGroup(
                            where,
                            g.name(),
                            g.engine(),
                            g.majorVersion(),
                            "Recreated by Lifeboat from the recorded options",
                            g.options(),
                            tags);
                }
            });
            if (newNetwork.isEmpty()) {
                return securityGroups;
            }
            NewNetwork n = newNetwork.get();
            if (shapes.subnetGroupSubnets(where, n.subnetGroup()).isEmpty()) {
                shapes.createSubnetGroup(
                        where,
                        n.subnetGroup(),
                        "Created by Lifeboat for restore " + tags.get(RESTORE_TAG),
                        n.subnets(),
                        tags);
            }
            // Made by an earlier call of this restore, by another at the same moment, or planted: used only when it is
            // exactly what this restore asks for.
            Set<String> subnetsThere =
                    shapes.subnetGroupSubnets(where, n.subnetGroup()).orElse(Set.of());
            if (!subnetsThere.equals(new TreeSet<>(n.subnets()))) {
                throw new RefusedException(
                        "the DB subnet group " + n.subnetGroup() + " exists in " + where + " with other subnets ("
                                + String.join(", ", new TreeSet<>(subnetsThere)) + ") than asked for",
                        "pass " + Param.SUBNET_GROUP
                                + " with a group you choose, or delete that group if it is not yours");
            }
            Map<String, String> ids = new LinkedHashMap<>();
            for (NewSecurityGroup g : n.securityGroups()) {
                String id = shapes.securityGroupNamed(where, n.vpcId(), g.name())
                        .orElseGet(() -> shapes.createSecurityGroup(where, n.vpcId(), g.name(), g.description(), tags));
                ids.put(g.recordedId(), id);
            }
            for (NewSecurityGroup g : n.securityGroups()) {
                List<DatabaseShape.Rule> in = remap(g.ingress(), ids);
                List<DatabaseShape.Rule> out = remap(g.egress(), ids);
                String id = ids.get(g.recordedId());
                shapes.setRules(where, id, in, out);
                // Never more open than recorded: a group of that name that has rules beyond the record (planted, or
                // changed since) is refused, not used.
                DatabaseShape.SecurityGroup there = shapes.securityGroup(where, id)
                        .orElseThrow(() -> new RefusedException(
                                "the security group " + g.name() + " (" + id + ") vanished while it was being set up",
                                "run the restore again"));
                Set<String> extra = new TreeSet<>(flat(there.ingress()));
                extra.removeAll(flat(in));
                Set<String> extraOut = new TreeSet<>(flat(there.egress()));
                extraOut.removeAll(flat(out));
                if (!extra.isEmpty() || !extraOut.isEmpty()) {
                    throw new RefusedException(
                            "the security group " + g.name() + " (" + id + ") in " + where + " admits more than the"
                                    + " recorded rules: " + String.join("; ", extra)
                                    + (extraOut.isEmpty() ? "" : " (egress: " + String.join("; ", extraOut) + ")"),
                            "remove those rules or that group if it is not yours, or pass " + Param.SECURITY_GROUP
                                    + " with a" + " group you choose");
                }
            }
            return List.copyOf(ids.values());
        }
    }

    /** The instance class of a restored database when the operator gives none and no shape was recorded. */
    public static final String DEFAULT_INSTANCE_CLASS = "db.t4g.medium";

    /**
     * Where a restored database goes and how it is tagged: {@code where} and {@code kind} (an instance or a cluster)
     * as {@code identifier}; {@code lifeboatTags} are added to the recorded tags and win over them, and the recorded
     * tags are carried only when {@code carryRecordedTags} (not outside the backup account).
     */
    public record Into(
            Location where,
            DbKind kind,
            String identifier,
            Map<String, String> lifeboatTags,
            boolean carryRecordedTags) {}

    /**
     * Resolves a restore of {@code shape} (empty: none was recorded, or {@code --no-shape}) with the overrides
     * {@code o} {@code into} its place, on {@code today}: every value with where it came from, and what must be made.
     */
    public static Resolved resolve(
            Optional<DatabaseShape> shape, Overrides o, Into into, DatabaseShapes shapes, LocalDate today) {
        Location where = into.where();
        DbKind kind = into.kind();
        String newIdentifier = into.identifier();
        Map<String, String> lifeboatTags = into.lifeboatTags();
        boolean carryRecordedTags = into.carryRecordedTags();
        List<Choice> choices = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        DatabaseShape s = shape.orElse(null);
        if (s == null) {
            notes.add("no shape was recorded with this backup: every value not given is RDS's default");
        }
        Resolving in = new Resolving(s, o, shapes, where, kind, newIdentifier, today, choices, notes);

        String instanceClass = pick(
                choices,
                "DBInstanceClass",
                o.instanceClass(),
                s == null ? null : s.writerClass(),
                DEFAULT_INSTANCE_CLASS);
        boolean multiAz = o.multiAz() != null ? o.multiAz() : s != null && s.multiAz();
        choices.add(new Choice(
                "MultiAZ",
                Boolean.toString(multiAz),
                o.multiAz() != null ? Origin.OVERRIDDEN : s != null ? Origin.RECORDED : Origin.DEFAULT));

        RdsGateway.Shaped shaped = storage(in);
        ParameterGroupChoice pg = parameterGroup(in);
        OptionGroupChoice og = optionGroup(in);
        NetworkChoice net = network(in);
        Map<String, String> tags = tags(carryRecordedTags ? s : null, lifeboatTags, notes);
        if (!carryRecordedTags && s != null) {
            Map<String, String> left = tags(s, Map.of(), new ArrayList<>());
            if (!left.isEmpty()) {
                notes.add("the recorded tags are not put on a database restored outside the backup account (the"
                        + " source role tags only with lifeboat: keys, so it cannot retag production's resources);"
                        + " add them once it is available: "
                        + String.join(
                                ", ",
                                left.entrySet().stream()
                                        .map(e -> e.getKey() + "=" + e.getValue())
                                        .toList()));
            }
        }
        return new Resolved(
                instanceClass,
                multiAz,
                net.subnetGroup(),
                net.securityGroups(),
                pg.name(),
                og.name(),
                shaped,
                tags,
                choices,
                notes,
                pg.created(),
                og.created(),
                net.created());
    }

    /** What one resolution reads from and writes its choices and notes into. */
    private record Resolving(
            DatabaseShape s,
            Overrides o,
            DatabaseShapes shapes,
            Location where,
            DbKind kind,
            String newIdentifier,
            LocalDate today,
            List<Choice> choices,
            List<String> notes) {}

    private record ParameterGroupChoice(String name, Optional<NewParameterGroup> created) {}

    private record OptionGroupChoice(String name, Optional<NewOptionGroup> created) {}

    private record NetworkChoice(String subnetGroup, List<String> securityGroups, Optional<NewNetwork> created) {}

    /** Port, storage, IAM authentication and CA as recorded; notes for what a restore does not bring back. */
    private static RdsGateway.Shaped storage(Resolving in) {
        DatabaseShape s = in.s();
        DbKind kind = in.kind();
        List<Choice> choices = in.choices();
        List<String> notes = in.notes();
        RdsGateway.Shaped shaped = RdsGateway.Shaped.RDS_DEFAULTS;
        if (s != null) {
            DatabaseShape.Storage st = s.storage();
            boolean instance = kind == DbKind.INSTANCE;
            String type = instance && st != null ? st.type() : null;
            Integer size = instance && st != null ? st.allocatedGiB() : null;
            boolean provisioned = type != null
                    && (type.startsWith("io")
                            || ("gp3".equals(type) && size != null && size >= GP3_PROVISIONED_FROM_GIB));
            shaped = new RdsGateway.Shaped(
                    s.port(),
                    type,
                    size,
                    provisioned ? st.iops() : null,
                    provisioned && "gp3".equals(type) ? st.throughputMiBps() : null,
                    s.iamAuthentication(),
                    instance ? s.caCertificate() : null);
            record("Port", s.port(), choices);
            if (instance) {
                record("StorageType", type, choices);
                record("AllocatedStorage", size, choices);
                record("Iops", shaped.iops(), choices);
                record("StorageThroughput", shaped.storageThroughput(), choices);
                record("CACertificateIdentifier", shaped.caCertificate(), choices);
            }
            record("EnableIAMDatabaseAuthentication", s.iamAuthentication(), choices);
            if (s.performanceInsights()) {
                notes.add("Performance Insights was on: turn it on again once the database is available"
                        + " (ModifyDBInstance --enable-performance-insights)");
            }
            long readers = s.members().stream().filter(m -> !m.writer()).count();
            if (readers > 0) {
                notes.add("the cluster had " + readers + " reader instance(s) besides the writer; add them once it is"
                        + " available if the load needs them");
            }
        }

        return shaped;
    }

    /**
     * The recorded parameter group when it is there with the recorded values; else one made again with them (without
     * the dropped ones), refused when the target's family does not accept one or a group of that name differs.
     */
    private static ParameterGroupChoice parameterGroup(Resolving in) {
        DatabaseShape s = in.s();
        Overrides o = in.o();
        DatabaseShapes shapes = in.shapes();
        Location where = in.where();
        DbKind kind = in.kind();
        LocalDate today = in.today();
        List<Choice> choices = in.choices();
        List<String> notes = in.notes();
        String parameterGroup = null;
        Optional<NewParameterGroup> newParameterGroup = Optional.empty();
        String pgField = kind == DbKind.CLUSTER ? "DBClusterParameterGroupName" : "DBParameterGroupName";
        if (o.parameterGroup() != null) {
            parameterGroup = o.parameterGroup();
            choices.add(new Choice(pgField, parameterGroup, Origin.OVERRIDDEN));
        } else if (s == null || s.parameterGroup() == null || s.parameterGroup().isDefault()) {
            String recorded = s == null || s.parameterGroup() == null
                    ? null
                    : s.parameterGroup().name();
            choices.add(new Choice(
                    pgField,
                    recorded == null ? "(the engine's default)" : recorded,
                    recorded == null ? Origin.DEFAULT : Origin.RECORDED));
            parameterGroup = recorded;
        } else {
            DatabaseShape.ParameterGroup recorded = s.parameterGroup();
            Optional<DatabaseShape.ParameterGroup> there = shapes.parameterGroup(where, kind, recorded.name());
            if (there.isPresent() && there.get().values().equals(recorded.values())) {
                parameterGroup = recorded.name();
                choices.add(new Choice(pgField, parameterGroup, Origin.RECORDED));
            } else {
                List<DatabaseShape.Parameter> keep = new ArrayList<>();
                Set<String> dropped = new TreeSet<>();
                for (DatabaseShape.Parameter p : recorded.parameters()) {
                    if (o.dropParameters().contains(p.name())) {
                        dropped.add(p.name());
                    } else {
                        keep.add(p);
                    }
                }
                Optional<Set<String>> accepted = shapes.acceptedParameters(where, kind, recorded.family());
                if (accepted.isPresent()) {
                    Set<String> refused = new TreeSet<>();
                    keep.stream()
                            .map(DatabaseShape.Parameter::name)
                            .filter(n -> !accepted.get().contains(n))
                            .forEach(refused::add);
                    if (!refused.isEmpty()) {
                        throw new RefusedException(
                                "the recorded parameter group " + recorded.name() + " sets parameters that "
                                        + recorded.family() + " in " + where + " does not accept: "
                                        + String.join(", ", refused),
                                "pass " + Param.DROP_PARAMETER + " NAME for each to restore without them, or "
                                        + Param.PARAMETER_GROUP + " with an existing group");
                    }
                } else {
                    notes.add("could not check the recorded parameters against the " + recorded.family()
                            + " defaults of " + where + "; RDS refuses any it does not accept when the group is made");
                }
                String name = recreatedName(recorded.name(), today);
                Optional<DatabaseShape.ParameterGroup> earlier = shapes.parameterGroup(where, kind, name);
                Map<String, String> want = new TreeMap<>();
                keep.forEach(p -> want.put(p.name(), p.value()));
                if (earlier.isPresent() && !earlier.get().values().equals(want)) {
                    throw new RefusedException(
                            "a parameter group named " + name + " exists in " + where
                                    + " with other values than the recorded ones",
                            "pass " + Param.PARAMETER_GROUP
                                    + " with the group to use; Lifeboat does not change an existing one");
                }
                parameterGroup = name;
                newParameterGroup = earlier.isPresent()
                        ? Optional.empty()
                        : Optional.of(new NewParameterGroup(name, recorded.family(), keep));
                choices.add(new Choice(pgField, name, Origin.CREATED));
                notes.add((there.isPresent()
                                ? recorded.name() + " exists in " + where + " with other values than recorded"
                                : recorded.name() + " no longer exists in " + where)
                        + ": " + (earlier.isPresent() ? "using " : "creating ") + name + " with the "
                        + keep.size() + " recorded value(s)"
                        + (dropped.isEmpty()
                                ? ""
                                : ", without " + String.join(", ", dropped) + " (" + Param.DROP_PARAMETER + ")"));
            }
        }

        return new ParameterGroupChoice(parameterGroup, newParameterGroup);
    }

    /** An instance's option group: the recorded one when it is there, else made again with the recorded options. */
    private static OptionGroupChoice optionGroup(Resolving in) {
        DatabaseShape s = in.s();
        Overrides o = in.o();
        DatabaseShapes shapes = in.shapes();
        Location where = in.where();
        DbKind kind = in.kind();
        LocalDate today = in.today();
        List<Choice> choices = in.choices();
        List<String> notes = in.notes();
        String optionGroup = null;
        Optional<NewOptionGroup> newOptionGroup = Optional.empty();
        if (kind == DbKind.INSTANCE) {
            if (o.optionGroup() != null) {
                optionGroup = o.optionGroup();
                choices.add(new Choice("OptionGroupName", optionGroup, Origin.OVERRIDDEN));
            } else if (s != null && s.optionGroup() != null && !s.optionGroup().isDefault()) {
                if (shapes.optionGroupExists(where, s.optionGroup().name())) {
                    optionGroup = s.optionGroup().name();
                    choices.add(new Choice("OptionGroupName", optionGroup, Origin.RECORDED));
                } else {
                    // Gone with the instance: made again with the recorded options and settings, re-entrantly.
                    String name = recreatedName(s.optionGroup().name(), today);
                    optionGroup = name;
                    if (!shapes.optionGroupExists(where, name)) {
                        newOptionGroup = Optional.of(new NewOptionGroup(
                                name,
                                s.engine(),
                                majorVersion(s.engine(), s.engineVersion()),
                                s.optionGroup().options()));
                    }
                    choices.add(new Choice("OptionGroupName", name, Origin.CREATED));
                    notes.add("option group " + s.optionGroup().name() + " no longer exists in " + where + ": "
                            + (newOptionGroup.isPresent() ? "creating " : "using ") + name + " with the recorded"
                            + " options: "
                            + (s.optionGroup().options().isEmpty()
                                    ? "none"
                                    : String.join(
                                            ", ",
                                            s.optionGroup().options().stream()
                                                    .map(DatabaseShape.Option::name)
                                                    .toList())));
                }
            } else {
                choices.add(new Choice("OptionGroupName", "(the engine's default)", Origin.DEFAULT));
            }
        }

        return new OptionGroupChoice(optionGroup, newOptionGroup);
    }

    /**
     * The network: with {@code createNetwork}, a DB subnet group in the subnets given and the recorded security
     * groups made again (rules naming groups that are gone left out, said so); else the groups given, or the recorded
     * ones when they are all still there, refused when they are gone.
     */
    private static NetworkChoice network(Resolving in) {
        DatabaseShape s = in.s();
        Overrides o = in.o();
        DatabaseShapes shapes = in.shapes();
        Location where = in.where();
        String newIdentifier = in.newIdentifier();
        List<Choice> choices = in.choices();
        List<String> notes = in.notes();
        String subnetGroup;
        List<String> securityGroups;
        Optional<NewNetwork> newNetwork = Optional.empty();
        DatabaseShape.Network net = s == null ? null : s.network();
        if (o.createNetwork()) {
            if (o.subnets().size() < 2) {
                throw new dev.lifeboat.core.error.InvalidInputException(
                        Param.CREATE_NETWORK + " needs the subnets to put the new DB subnet group in",
                        "pass " + Param.SUBNET + " ID at least twice, subnets of two Availability Zones of one VPC in "
                                + where);
            }
            if (net == null || net.securityGroups().isEmpty()) {
                throw new RefusedException(
                        Param.CREATE_NETWORK
                                + " recreates the recorded security groups, and this backup has none recorded",
                        "pass " + Param.SUBNET_GROUP + " and " + Param.SECURITY_GROUP + " with a network that exists");
            }
            String vpc = shapes.vpcOfSubnets(where, o.subnets());
            subnetGroup = groupName(newIdentifier + "-lifeboat");
            List<NewSecurityGroup> groups = new ArrayList<>();
            Set<String> recreated = new TreeSet<>(net.securityGroupIds());
            Set<String> elsewhere = new TreeSet<>();
            net.securityGroups().forEach(g -> g.ingress().forEach(r -> elsewhere.addAll(r.groupIds())));
            net.securityGroups().forEach(g -> g.egress().forEach(r -> elsewhere.addAll(r.groupIds())));
            elsewhere.removeAll(recreated);
            Set<String> stillThere = elsewhere.isEmpty() ? Set.of() : shapes.existingSecurityGroups(where, elsewhere);
            List<String> droppedRules = new ArrayList<>();
            for (DatabaseShape.SecurityGroup g : net.securityGroups()) {
                groups.add(new NewSecurityGroup(
                        g.id(),
                        groupName(g.name() + "-lifeboat-" + newIdentifier),
                        "Recreated by Lifeboat from " + g.id() + " (" + g.name() + ") for restore " + newIdentifier,
                        keepable(g.ingress(), recreated, stillThere, g.name() + " ingress", droppedRules),
                        keepable(g.egress(), recreated, stillThere, g.name() + " egress", droppedRules)));
            }
            newNetwork = Optional.of(new NewNetwork(subnetGroup, o.subnets(), vpc, groups));
            securityGroups = groups.stream().map(NewSecurityGroup::name).toList();
            choices.add(new Choice("DBSubnetGroupName", subnetGroup, Origin.CREATED));
            choices.add(new Choice("VpcSecurityGroupIds", String.join(",", securityGroups), Origin.CREATED));
            notes.add("creating DB subnet group " + subnetGroup + " in " + String.join(", ", o.subnets()) + " (" + vpc
                    + ") and " + groups.size() + " security group(s) with the recorded rules");
            for (NewSecurityGroup g : groups) {
                notes.add(g.name() + " (as " + g.recordedId() + "): ingress " + rules(g.ingress()) + "; egress "
                        + rules(g.egress()));
                g.ingress().stream()
                        .filter(r -> r.ipv4Ranges().contains("0.0.0.0/0")
                                || r.ipv6Ranges().contains("::/0"))
                        .forEach(r -> notes.add("WARNING: " + g.name() + " admits the whole internet on " + r.protocol()
                                + " " + ports(r) + ", as recorded: the new database is not publicly accessible, but"
                                + " narrow the rule if the recorded one was a mistake"));
            }
            if (!droppedRules.isEmpty()) {
                notes.add("not recreated, as they name security groups that no longer exist: "
                        + String.join("; ", droppedRules));
            }
        } else {
            boolean gaveNetwork = o.subnetGroup() != null || !o.securityGroups().isEmpty();
            String recordedSubnetGroup = net == null ? null : net.subnetGroup();
            List<String> recordedGroups = net == null ? List.of() : net.securityGroupIds();
            subnetGroup = o.subnetGroup();
            securityGroups = o.securityGroups();
            if (subnetGroup == null && recordedSubnetGroup != null) {
                if (!shapes.subnetGroupExists(where, recordedSubnetGroup)) {
                    throw networkGone(where, "DB subnet group " + recordedSubnetGroup, gaveNetwork);
                }
                subnetGroup = recordedSubnetGroup;
            }
            if (securityGroups.isEmpty() && !recordedGroups.isEmpty()) {
                Set<String> there = shapes.existingSecurityGroups(where, recordedGroups);
                if (!there.containsAll(recordedGroups)) {
                    List<String> gone = recordedGroups.stream()
                            .filter(g -> !there.contains(g))
                            .toList();
                    throw networkGone(where, "security group(s) " + String.join(", ", gone), gaveNetwork);
                }
                securityGroups = recordedGroups;
            }
            choices.add(new Choice(
                    "DBSubnetGroupName",
                    subnetGroup == null ? "(the default VPC's)" : subnetGroup,
                    o.subnetGroup() != null
                            ? Origin.OVERRIDDEN
                            : subnetGroup != null ? Origin.RECORDED : Origin.DEFAULT));
            choices.add(new Choice(
                    "VpcSecurityGroupIds",
                    securityGroups.isEmpty() ? "(the VPC's default)" : String.join(",", securityGroups),
                    !o.securityGroups().isEmpty()
                            ? Origin.OVERRIDDEN
                            : securityGroups.isEmpty() ? Origin.DEFAULT : Origin.RECORDED));
        }

        return new NetworkChoice(subnetGroup, securityGroups, newNetwork);
    }

    /**
     * The recorded tags and Lifeboat's, at most 50. Recorded keys under {@code lifeboat:} and {@code aws:} are not
     * carried over: production writes its tags, and a recorded {@code lifeboat:} tag must not pass for Lifeboat's own.
     */
    static Map<String, String> tags(DatabaseShape s, Map<String, String> lifeboatTags, List<String> notes) {
        Map<String, String> out = new TreeMap<>();
        List<String> left = new ArrayList<>();
        if (s != null) {
            int room = MAX_TAGS - lifeboatTags.size();
            for (var e : new TreeMap<>(s.tags()).entrySet()) {
                String k = e.getKey();
                if (k.startsWith(Tags.PREFIX) || k.toLowerCase(Locale.ROOT).startsWith("aws:")) {
                    continue;
                }
                if (out.size() < room) {
                    out.put(k, e.getValue());
                } else {
                    left.add(k);
                }
            }
        }
        out.putAll(lifeboatTags);
        if (!left.isEmpty()) {
            notes.add("RDS allows 50 tags: not carried over from the record: " + String.join(", ", left));
        }
        return out;
    }

    private static List<DatabaseShape.Rule> keepable(
            List<DatabaseShape.Rule> rules,
            Set<String> recreated,
            Set<String> stillThere,
            String where,
            List<String> dropped) {
        List<DatabaseShape.Rule> out = new ArrayList<>();
        for (DatabaseShape.Rule r : rules) {
            List<String> groups = new ArrayList<>();
            for (String g : r.groupIds()) {
                if (recreated.contains(g) || stillThere.contains(g)) {
                    groups.add(g);
                } else {
                    dropped.add(where + " from " + g + " (" + r.protocol() + " " + ports(r) + ")");
                }
            }
            if (!r.ipv4Ranges().isEmpty()
                    || !r.ipv6Ranges().isEmpty()
                    || !r.prefixListIds().isEmpty()
                    || !groups.isEmpty()) {
                out.add(new DatabaseShape.Rule(
                        r.protocol(),
                        r.fromPort(),
                        r.toPort(),
                        r.ipv4Ranges(),
                        r.ipv6Ranges(),
                        groups,
                        r.prefixListIds()));
            }
        }
        return out;
    }

    /** One line per protocol, port range and source, whatever way EC2 groups them into permissions. */
    static Set<String> flat(List<DatabaseShape.Rule> rules) {
        Set<String> out = new TreeSet<>();
        for (DatabaseShape.Rule r : rules) {
            String head = r.protocol() + " " + ports(r) + " from ";
            r.ipv4Ranges().forEach(x -> out.add(head + x));
            r.ipv6Ranges().forEach(x -> out.add(head + x));
            r.groupIds().forEach(x -> out.add(head + x));
            r.prefixListIds().forEach(x -> out.add(head + x));
        }
        return out;
    }

    /** "tcp 5432 from 10.0.0.0/16, sg-0abc" per rule; "none" for none. */
    static String rules(List<DatabaseShape.Rule> rules) {
        if (rules.isEmpty()) {
            return "none";
        }
        List<String> out = new ArrayList<>();
        for (DatabaseShape.Rule r : rules) {
            List<String> from = new ArrayList<>(r.ipv4Ranges());
            from.addAll(r.ipv6Ranges());
            from.addAll(r.groupIds());
            from.addAll(r.prefixListIds());
            out.add(("-1".equals(r.protocol()) ? "all traffic" : r.protocol() + " " + ports(r)) + " "
                    + String.join(", ", from));
        }
        return String.join("; ", out);
    }

    private static String ports(DatabaseShape.Rule r) {
        return r.fromPort() == null
                ? "all ports"
                : r.fromPort().equals(r.toPort()) ? "port " + r.fromPort() : "ports " + r.fromPort() + "-" + r.toPort();
    }

    static List<DatabaseShape.Rule> remap(List<DatabaseShape.Rule> rules, Map<String, String> ids) {
        return rules.stream()
                .map(r -> new DatabaseShape.Rule(
                        r.protocol(),
                        r.fromPort(),
                        r.toPort(),
                        r.ipv4Ranges(),
                        r.ipv6Ranges(),
                        r.groupIds().stream().map(g -> ids.getOrDefault(g, g)).toList(),
                        r.prefixListIds()))
                .toList();
    }

    private static RefusedException networkGone(Location where, String what, boolean gaveSome) {
        return new RefusedException(
                "the recorded " + what + " no longer exist(s) in " + where
                        + (gaveSome ? " (and not every part of the network was given)" : ""),
                "pass " + Param.SUBNET_GROUP + " NAME and " + Param.SECURITY_GROUP
                        + " ID for a network that exists, or "
                        + Param.CREATE_NETWORK + " " + Param.SUBNET + " ID " + Param.SUBNET
                        + " ID to create a DB subnet group there and security groups with the"
                        + " recorded rules");
    }

    /** An option group's major engine version: PostgreSQL "16" of "16.4", MySQL "8.0" of "8.0.35", MariaDB "10.11". */
    static String majorVersion(String engine, String version) {
        String[] parts = version == null ? new String[0] : version.split("\\.", -1);
        if (parts.length == 0) {
            return version;
        }
        boolean postgres = engine != null && engine.contains("postgres");
        return postgres || parts.length == 1 ? parts[0] : parts[0] + "." + parts[1];
    }

    /** {@code <name>-lifeboat-<yyyymmdd>}, within 255 characters, a valid group name (no '--', no trailing '-'). */
    static String recreatedName(String name, LocalDate today) {
        return groupName(name + "-lifeboat-" + DAY.format(today));
    }

    private static String groupName(String raw) {
        String n = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-");
        n = n.length() > 255 ? n.substring(n.length() - 255) : n;
        n = n.replaceAll("^[^a-z]+", "").replaceAll("-+$", "");
        return n;
    }

    private static String pick(List<Choice> choices, String field, String given, String recorded, String fallback) {
        if (given != null) {
            choices.add(new Choice(field, given, Origin.OVERRIDDEN));
            return given;
        }
        if (recorded != null) {
            choices.add(new Choice(field, recorded, Origin.RECORDED));
            return recorded;
        }
        choices.add(new Choice(field, fallback, Origin.DEFAULT));
        return fallback;
    }

    private static void record(String field, Object value, List<Choice> choices) {
        if (value != null) {
            choices.add(new Choice(field, value.toString(), Origin.RECORDED));
        }
    }
}
