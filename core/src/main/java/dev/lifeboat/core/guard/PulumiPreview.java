package dev.lifeboat.core.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.guard.TerraformPlan.Deletion;
import dev.lifeboat.core.guard.TerraformPlan.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The steps of a Pulumi preview ({@code pulumi preview --json}, {@code pulumi destroy --preview-only --json}) that
 * delete a database or its backups, or take its protection away. The document is Pulumi's {@code PreviewDigest}
 * (sdk/go/common/display/json.go): {@code steps[]} with {@code op}, {@code urn}, {@code oldState} and {@code newState}
 * (each a resource with {@code type}, {@code inputs} and {@code outputs}), and {@code changeSummary}. The ops are the
 * engine's (https://www.pulumi.com/docs/reference/cloud-rest-api/schema/appstepeventmetadata/): {@code delete} and
 * the replacement's {@code replace}, {@code create-replacement} and {@code delete-replaced} take the old resource
 * away; {@code discard} only forgets it (retainOnDelete); an op not in that list is refused, never taken for harmless.
 * The AWS Classic provider's RDS types and property names are its Terraform provider's, camel-cased; the AWS Cloud
 * Control (aws-native) provider's are CloudFormation's ({@link #NATIVE_INSTANCE}).
 */
public final class PulumiPreview {
    private static final String FIX = "pass the preview as JSON: pulumi preview --json > preview.json";

    /** Every op the engine writes (Pulumi's StepOp). */
    private static final Set<String> OPS = Set.of(
            "same",
            "create",
            "update",
            "delete",
            "replace",
            "create-replacement",
            "delete-replaced",
            "read",
            "read-replacement",
            "refresh",
            "discard",
            "discard-replaced",
            "remove-pending-replace",
            "import",
            "import-replacement");

    /** The ops after which the old resource no longer exists. */
    private static final Set<String> DELETING = Set.of("delete", "replace", "create-replacement", "delete-replaced");

    static final String INSTANCE = "aws:rds/instance:Instance";
    static final String CLUSTER = "aws:rds/cluster:Cluster";
    static final String CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
    static final String SNAPSHOT = "aws:rds/snapshot:Snapshot";
    static final String CLUSTER_SNAPSHOT = "aws:rds/clusterSnapshot:ClusterSnapshot";
    static final String REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";

    /**
     * The AWS Cloud Control (aws-native) provider's database types: CloudFormation's {@code AWS::RDS::DBInstance} and
     * {@code AWS::RDS::DBCluster}, with CloudFormation's property names camel-cased ({@code dbInstanceIdentifier},
     * {@code dbInstanceArn}, {@code dbClusterIdentifier}, {@code deletionProtection}, {@code backupRetentionPeriod};
     * https://www.pulumi.com/registry/packages/aws-native/api-docs/rds/dbinstance/). An instance with a {@code
     * dbClusterIdentifier} is a cluster's member, counted as the classic provider's cluster instances are.
     */
    static final String NATIVE_INSTANCE = "aws-native:rds:DbInstance";

    static final String NATIVE_CLUSTER = "aws-native:rds:DbCluster";

    /** The types whose deletion the guard decides on. */
    private static final Set<String> DESTRUCTIBLE = Set.of(
            INSTANCE,
            CLUSTER,
            CLUSTER_INSTANCE,
            SNAPSHOT,
            CLUSTER_SNAPSHOT,
            REPLICATION,
            NATIVE_INSTANCE,
            NATIVE_CLUSTER);

    /**
     * RDS types that hold no data, in either provider: their deletion is not a database's (a subnet group, a
     * parameter or option group, an event subscription, a proxy). Every other RDS type is refused, never taken for
     * harmless.
     */
    private static final Set<String> HOLD_NO_DATA = Set.of(
            "aws:rds/subnetGroup:SubnetGroup",
            "aws:rds/parameterGroup:ParameterGroup",
            "aws:rds/clusterParameterGroup:ClusterParameterGroup",
            "aws:rds/optionGroup:OptionGroup",
            "aws:rds/eventSubscription:EventSubscription",
            "aws:rds/proxy:Proxy",
            "aws:rds/proxyEndpoint:ProxyEndpoint",
            "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup",
            "aws:rds/proxyTarget:ProxyTarget",
            "aws:rds/roleAssociation:RoleAssociation",
            "aws:rds/clusterRoleAssociation:ClusterRoleAssociation",
            "aws-native:rds:DbSubnetGroup",
            "aws-native:rds:DbParameterGroup",
            "aws-native:rds:DbClusterParameterGroup",
            "aws-native:rds:OptionGroup",
            "aws-native:rds:EventSubscription",
            "aws-native:rds:DbProxy",
            "aws-native:rds:DbProxyEndpoint",
            "aws-native:rds:DbProxyTargetGroup");

    private PulumiPreview() {}

    /** Whether {@code root} looks like a Pulumi preview digest (its steps or its change summary). */
    static boolean is(JsonNode root) {
        return root.isObject() && (root.has("steps") || root.has("changeSummary"));
    }

    /**
     * The deletions of the preview {@code root} (already parsed), and the updates that take a database's protection or
     * backups away. Refuses, naming {@code where} and the step, what it cannot read whole: {@code steps} not a list, a
     * step without its {@code op} or {@code urn}, an unknown op, a deletion of a database without its {@code oldState}.
     */
    static List<Deletion> deletions(JsonNode root, String where) {
        JsonNode steps = root.path("steps");
        if (!steps.isMissingNode() && !steps.isArray()) {
            throw new InvalidInputException(where + ": steps is " + steps.getNodeType() + ", not a list", FIX);
        }
        if (steps.isMissingNode() && !root.path("changeSummary").isObject()) {
            throw new InvalidInputException(where + ": a Pulumi preview without steps or a changeSummary", FIX);
        }
        int summarized = 0;
        for (String op : List.of("delete", "replace", "delete-replaced", "create-replacement")) {
            summarized += root.path("changeSummary").path(op).asInt(0);
        }
        if (summarized > 0 && (steps.isMissingNode() || steps.isEmpty())) {
            throw new InvalidInputException(
                    where + ": its changeSummary counts " + summarized + " deletions or replacements, and it lists no"
                            + " steps to say of what",
                    FIX);
        }
        Map<String, Integer> clusterInstances = new HashMap<>();
        Map<String, Integer> clusterInstancesDeleted = new HashMap<>();
        List<JsonNode> clusterInstanceDeletions = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        List<Deletion> out = new ArrayList<>();
        int index = 0;
        for (JsonNode step : steps) {
            String at = where + ": steps[" + index++ + "]";
            if (!step.isObject()) {
                throw new InvalidInputException(at + " is " + step.getNodeType() + ", not an object", FIX);
            }
            String op = string(step, "op", at);
            String urn = string(step, "urn", at);
            at = at + " (" + urn + ")";
            if (!OPS.contains(op)) {
                throw new InvalidInputException(
                        at + ": op \"" + op + "\" is not one Lifeboat knows; it is not taken for harmless", FIX);
            }
            JsonNode old = step.path("oldState");
            String type = typeOf(step, urn, at);
            if (old.isObject() && clusterMember(type, values(old))) {
                clusterInstances.merge(memberOf(type, values(old)), 1, Integer::sum);
            }
            if (!DELETING.contains(op)) {
                if (op.equals("update")
                        && Set.of(INSTANCE, CLUSTER, NATIVE_INSTANCE, NATIVE_CLUSTER)
                                .contains(type)) {
                    Deletion weakened = weakened(step, type, urn, at);
                    if (weakened != null) {
                        out.add(weakened);
                    }
                }
                continue;
            }
            if (!DESTRUCTIBLE.contains(type)) {
                if (type.toLowerCase(java.util.Locale.ROOT).contains("rds") && !HOLD_NO_DATA.contains(type)) {
                    // aws-native's RDS types, a type written in another case: never taken for harmless
                    throw new InvalidInputException(
                            at + " " + op + "s a " + type + ", an RDS type Lifeboat does not read: it is not taken for"
                                    + " harmless",
                            "take the deletion out of the preview, or guard it another way (docs/guard.md)");
                }
                continue;
            }
            if (!seen.add(urn)) {
                continue; // another step of the same replacement
            }
            if (!old.isObject()) {
                throw new InvalidInputException(
                        at + " deletes a " + type + " but has no oldState object to say which", FIX);
            }
            JsonNode v = values(old);
            boolean replacement = !op.equals("delete");
            if (clusterMember(type, v)) {
                clusterInstancesDeleted.merge(memberOf(type, v), 1, Integer::sum);
                clusterInstanceDeletions.add(step);
                continue;
            }
            switch (type) {
                case INSTANCE -> out.add(deletion(urn, type, Kind.INSTANCE, "identifier", v, replacement));
                case CLUSTER -> out.add(deletion(urn, type, Kind.CLUSTER, "clusterIdentifier", v, replacement));
                case NATIVE_INSTANCE ->
                    out.add(deletion(urn, type, Kind.INSTANCE, "dbInstanceIdentifier", v, replacement));
                case NATIVE_CLUSTER ->
                    out.add(deletion(urn, type, Kind.CLUSTER, "dbClusterIdentifier", v, replacement));
                case SNAPSHOT -> out.add(deletion(urn, type, Kind.BACKUPS, "dbInstanceIdentifier", v, replacement));
                case CLUSTER_SNAPSHOT ->
                    out.add(deletion(urn, type, Kind.BACKUPS, "dbClusterIdentifier", v, replacement));
                case REPLICATION -> {
                    String source = TerraformPlan.text(v, "sourceDbInstanceArn");
                    out.add(new Deletion(
                            urn,
                            type,
                            Kind.BACKUPS,
                            source == null ? null : source.substring(source.lastIndexOf(':') + 1),
                            TerraformPlan.arnPart(source, 4),
                            TerraformPlan.arnPart(source, 3),
                            replacement,
                            null,
                            null,
                            null,
                            null));
                }
                default -> {}
            }
        }
        // A cluster's instances: deleting one leaves the cluster serving; deleting its last one does not.
        for (JsonNode step : clusterInstanceDeletions) {
            JsonNode v = values(step.path("oldState"));
            String type = typeOf(step, step.path("urn").asText(), where);
            String cluster = memberOf(type, v);
            if (clusterInstancesDeleted.getOrDefault(cluster, 0) >= clusterInstances.getOrDefault(cluster, 0)) {
                out.add(deletion(
                        step.path("urn").asText(),
                        type,
                        Kind.CLUSTER,
                        type.equals(CLUSTER_INSTANCE) ? "clusterIdentifier" : "dbClusterIdentifier",
                        v,
                        !step.path("op").asText().equals("delete")));
            }
        }
        return out;
    }

    /**
     * The resource's type: the URN's type token ({@code urn:pulumi:stack::project::type::name}, the last of a parent
     * chain {@code a$b$type}), which must agree with the states' {@code type} where they give one.
     */
    private static String typeOf(JsonNode step, String urn, String at) {
        String fromUrn = "";
        String[] parts = urn.split("::", -1);
        if (parts.length >= 4) {
            String qualified = parts[2];
            fromUrn = qualified.substring(qualified.lastIndexOf('$') + 1);
        }
        String type = fromUrn;
        for (String state : List.of("oldState", "newState")) {
            JsonNode t = step.path(state).path("type");
            if (t.isTextual()) {
                if (!type.isEmpty() && !t.asText().equals(type)) {
                    throw new InvalidInputException(
                            at + ": " + state + ".type " + t.asText() + " is not the URN's " + type
                                    + "; a preview that disagrees with itself is not read",
                            FIX);
                }
                type = t.asText();
            }
        }
        return type;
    }

    /** Whether a resource of {@code type} with these values is one of a cluster's instances. */
    private static boolean clusterMember(String type, JsonNode v) {
        return type.equals(CLUSTER_INSTANCE) || (type.equals(NATIVE_INSTANCE) && memberOf(type, v) != null);
    }

    /** The cluster a cluster instance belongs to (null for an instance of its own). */
    private static String memberOf(String type, JsonNode v) {
        return TerraformPlan.text(v, type.equals(CLUSTER_INSTANCE) ? "clusterIdentifier" : "dbClusterIdentifier");
    }

    /** The field that holds the ARN, in the provider's spelling. */
    private static String arnField(String type) {
        return switch (type) {
            case NATIVE_INSTANCE -> "dbInstanceArn";
            case NATIVE_CLUSTER -> "dbClusterArn";
            default -> "arn";
        };
    }

    /** A state's outputs where it has them (what exists), else its inputs. */
    private static JsonNode values(JsonNode state) {
        JsonNode outputs = state.path("outputs");
        return outputs.isObject() && !outputs.isEmpty() ? outputs : state.path("inputs");
    }

    private static Deletion deletion(
            String urn, String type, Kind kind, String identifierField, JsonNode v, boolean replacement) {
        String arn = TerraformPlan.text(v, arnField(type));
        JsonNode retention = v.path("backupRetentionPeriod");
        Boolean deleteAutomated = TerraformPlan.bool(v, "deleteAutomatedBackups");
        return new Deletion(
                urn,
                type,
                kind,
                TerraformPlan.text(v, identifierField),
                TerraformPlan.arnPart(arn, 4),
                TerraformPlan.arnPart(arn, 3),
                replacement,
                TerraformPlan.bool(v, "deletionProtection"),
                TerraformPlan.bool(v, "skipFinalSnapshot"),
                // the provider's default, as Terraform's: an instance's automated backups go with it
                (deleteAutomated == null && (type.equals(INSTANCE) || type.equals(NATIVE_INSTANCE)))
                        ? Boolean.TRUE
                        : deleteAutomated,
                retention.isNumber() ? retention.asInt() : null);
    }

    /** An update that turns deletion protection or automated backups off; null when it does neither. */
    private static Deletion weakened(JsonNode step, String type, String urn, String at) {
        JsonNode after = step.path("newState").path("inputs");
        if (!after.isObject()) {
            throw new InvalidInputException(at + " updates a " + type + " but has no newState.inputs object", FIX);
        }
        JsonNode before = values(step.path("oldState"));
        List<String> what = new ArrayList<>();
        if (isFalse(after.path("deletionProtection")) && !isFalse(before.path("deletionProtection"))) {
            what.add("sets deletionProtection = false");
        } else if (unknown(after.path("deletionProtection"))) {
            what.add("leaves deletionProtection to be known after the update");
        }
        JsonNode retention = after.path("backupRetentionPeriod");
        if (isZero(retention) && !isZero(before.path("backupRetentionPeriod"))) {
            what.add("sets backupRetentionPeriod = 0 (automated backups off, the existing ones deleted)");
        } else if (unknown(retention)) {
            what.add("leaves backupRetentionPeriod to be known after the update");
        }
        if (what.isEmpty()) {
            return null;
        }
        if (after.path("skipFinalSnapshot").asBoolean(false)
                && !before.path("skipFinalSnapshot").asBoolean(false)) {
            what.add("sets skipFinalSnapshot = true (a later delete leaves no final snapshot)");
        }
        JsonNode values = before.isObject() && !before.isEmpty() ? before : after;
        String arn = TerraformPlan.text(values, arnField(type));
        boolean cluster = type.equals(CLUSTER) || type.equals(NATIVE_CLUSTER);
        String identifier = switch (type) {
            case CLUSTER -> "clusterIdentifier";
            case NATIVE_CLUSTER -> "dbClusterIdentifier";
            case NATIVE_INSTANCE -> "dbInstanceIdentifier";
            default -> "identifier";
        };
        return new Deletion(
                urn,
                type,
                cluster ? Kind.CLUSTER : Kind.INSTANCE,
                TerraformPlan.text(values, identifier),
                TerraformPlan.arnPart(arn, 4),
                TerraformPlan.arnPart(arn, 3),
                false,
                TerraformPlan.bool(after, "deletionProtection"),
                TerraformPlan.bool(after, "skipFinalSnapshot"),
                null,
                retention.isNumber() ? retention.asInt() : null,
                String.join("; ", what));
    }

    /** {@code false}, as a boolean or as the string a provider may write. */
    private static boolean isFalse(JsonNode v) {
        return (v.isBoolean() && !v.asBoolean()) || (v.isTextual() && v.asText().equalsIgnoreCase("false"));
    }

    /** {@code 0}, as a number or as a string. */
    private static boolean isZero(JsonNode v) {
        return (v.isNumber() && v.asInt() == 0)
                || (v.isTextual() && v.asText().strip().equals("0"));
    }

    /**
     * A value the preview cannot know yet: the engine writes unknowns as this sentinel string (Pulumi's {@code
     * plugin.UnknownStringValue}); it could be anything, so it counts as taking the protection away.
     */
    private static boolean unknown(JsonNode v) {
        return v.isTextual() && v.asText().equals("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    }

    private static String string(JsonNode n, String field, String at) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new InvalidInputException(
                    at + ": " + field + " is " + (v == null ? "missing" : v.getNodeType() + ", not a string"), FIX);
        }
        return v.asText();
    }
}
