package dev.lifeboat.core.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.guard.TerraformPlan.Deletion;
import dev.lifeboat.core.guard.TerraformPlan.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The changes of a CloudFormation change set ({@code aws cloudformation describe-change-set --include-property-values},
 * the DescribeChangeSet API's answer) that delete a database or take its protection away. Each {@code Changes[]} entry
 * of {@code Type} {@code Resource} holds a {@code ResourceChange} (CloudFormation API reference, ResourceChange):
 * {@code Action} ({@code Add | Modify | Remove | Import | Dynamic | SyncWithActual}), {@code ResourceType}, {@code
 * PhysicalResourceId}, {@code Replacement} ({@code True | False | Conditional}), {@code Details} of a Modify, and with
 * property values the {@code BeforeContext}/{@code AfterContext} JSON strings. A Remove, a replacement that is {@code
 * True} or {@code Conditional}, and a {@code Dynamic} action (its exact action "can't be determined") of a DB instance
 * or cluster count as its deletion; a Modify of {@code DeletionProtection} or {@code BackupRetentionPeriod} counts
 * when it turns them off, or when the change set does not say to what (no property values). A nested stack's own
 * changes are in another change set: one that is removed or changed is named, never taken for harmless.
 */
public final class CloudFormationChangeSet {
    /** A key given twice in an encoded context is refused, as in the document around it. */
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private static final String FIX = "pass the change set as JSON: aws cloudformation describe-change-set"
            + " --change-set-name NAME --stack-name STACK --include-property-values > changes.json";
    private static final Set<String> ACTIONS = Set.of("Add", "Modify", "Remove", "Import", "Dynamic", "SyncWithActual");
    private static final String INSTANCE = "AWS::RDS::DBInstance";
    private static final String CLUSTER = "AWS::RDS::DBCluster";
    /** Resources whose removal or change removes or changes other stacks, whose own changes are not in this one. */
    private static final List<String> CONTAINERS = List.of(
            "AWS::CloudFormation::Stack",
            "AWS::CloudFormation::StackSet",
            "AWS::ServiceCatalog::CloudFormationProvisionedProduct");

    private CloudFormationChangeSet() {}

    /** Whether {@code root} looks like DescribeChangeSet's answer. */
    static boolean is(JsonNode root) {
        return root.isObject() && root.has("Changes") && (root.has("ChangeSetId") || root.has("StackId"));
    }

    static List<Deletion> deletions(JsonNode root, String where) {
        JsonNode changes = root.path("Changes");
        if (!changes.isArray()) {
            throw new InvalidInputException(where + ": Changes is " + changes.getNodeType() + ", not a list", FIX);
        }
        if (root.path("NextToken").isTextual()) {
            throw new InvalidInputException(
                    where + " is one page of the change set (it has a NextToken): the rest may delete a database",
                    "describe it whole (the aws command line pages through it unless told --no-paginate) and pass that");
        }
        String status = root.path("Status").asText("");
        if (!status.isEmpty() && !status.equals("CREATE_COMPLETE")) {
            throw new InvalidInputException(
                    where + ": the change set's Status is " + status + ", not CREATE_COMPLETE: its Changes are not all"
                            + " there yet",
                    "wait for it (aws cloudformation wait change-set-create-complete), then describe it again");
        }
        String stackArn = root.path("StackId").asText(null);
        String account = TerraformPlan.arnPart(stackArn, 4);
        String region = TerraformPlan.arnPart(stackArn, 3);
        List<Deletion> out = new ArrayList<>();
        int index = 0;
        for (JsonNode change : changes) {
            String at = where + ": Changes[" + index++ + "]";
            if (!change.isObject()) {
                throw new InvalidInputException(at + " is " + change.getNodeType() + ", not an object", FIX);
            }
            String kindOfChange = change.path("Type").asText("Resource");
            if (!kindOfChange.equalsIgnoreCase("Resource")) {
                if (change.has("ResourceChange")) {
                    throw new InvalidInputException(
                            at + ": a change of Type " + kindOfChange + " with a ResourceChange is not read", FIX);
                }
                continue; // a hook's invocation, not a change to a resource
            }
            JsonNode rc = change.path("ResourceChange");
            if (!rc.isObject()) {
                throw new InvalidInputException(at + " has no ResourceChange object", FIX);
            }
            String action = string(rc, "Action", at);
            String type = string(rc, "ResourceType", at);
            String logical = rc.path("LogicalResourceId").asText("?");
            at = at + " (" + logical + ", " + type + ")";
            if (!ACTIONS.contains(action)) {
                throw new InvalidInputException(
                        at + ": Action \"" + action + "\" is not one Lifeboat knows; it is not taken for harmless",
                        FIX);
            }
            String physical = rc.path("PhysicalResourceId").asText(null);
            String address = "CloudFormation " + logical;
            if (CONTAINERS.stream().anyMatch(type::equalsIgnoreCase)
                    && !action.equals("Add")
                    && !action.equals("SyncWithActual")) {
                out.add(new Deletion(
                        address,
                        type,
                        Kind.CLUSTER,
                        physical,
                        account,
                        region,
                        false,
                        null,
                        null,
                        null,
                        null,
                        (action.equals("Remove") ? "removes" : "changes") + " the " + type + " " + physical
                                + ", whose own changes are in another change set ("
                                + rc.path("ChangeSetId").asText("not named") + "): describe it and pass it with"
                                + " --plan"));
                continue;
            }
            if (!type.equalsIgnoreCase(INSTANCE) && !type.equalsIgnoreCase(CLUSTER)) {
                continue;
            }
            Kind kind = type.equalsIgnoreCase(CLUSTER) ? Kind.CLUSTER : Kind.INSTANCE;
            String replacement = rc.path("Replacement").asText("");
            if (!replacement.isEmpty()
                    && !Set.of("True", "False", "Conditional").contains(replacement)) {
                throw new InvalidInputException(
                        at + ": Replacement \"" + replacement + "\" is not True, False or Conditional", FIX);
            }
            JsonNode before = context(rc, "BeforeContext", at);
            JsonNode after = context(rc, "AfterContext", at);
            boolean deletes = action.equals("Remove")
                    || action.equals("Dynamic")
                    || (action.equals("Modify") && (replacement.equals("True") || replacement.equals("Conditional")));
            if (deletes) {
                if (physical == null || physical.isEmpty()) {
                    throw new InvalidInputException(
                            at + " deletes a " + type + " but has no PhysicalResourceId to say which", FIX);
                }
                out.add(new Deletion(
                        address,
                        type,
                        kind,
                        physical,
                        account,
                        region,
                        !action.equals("Remove"),
                        flag(before, "DeletionProtection"),
                        null,
                        type.equals(INSTANCE) ? Boolean.TRUE : null,
                        number(before, "BackupRetentionPeriod")));
                continue;
            }
            if (!action.equals("Modify")) {
                continue;
            }
            List<String> what = new ArrayList<>();
            if (Boolean.TRUE.equals(flag(before, "DeletionProtection"))
                    && Boolean.FALSE.equals(flag(after, "DeletionProtection"))) {
                what.add("sets DeletionProtection = false");
            }
            for (JsonNode detail : rc.path("Details")) {
                String name = detail.path("Target").path("Name").asText("");
                if (name.isEmpty()) {
                    String path = detail.path("Target").path("Path").asText("");
                    name = path.substring(path.lastIndexOf('/') + 1);
                }
                if (name.equals("DeletionProtection")) {
                    Boolean now = flag(after, "DeletionProtection");
                    if (now == null) {
                        what.add("changes DeletionProtection, to a value the change set does not show"
                                + " (--include-property-values shows it)");
                    } else if (!now && !what.contains("sets DeletionProtection = false")) {
                        what.add("sets DeletionProtection = false");
                    }
                } else if (name.equals("BackupRetentionPeriod")) {
                    Integer now = number(after, "BackupRetentionPeriod");
                    if (now == null && after.path("Properties").isObject()) {
                        continue; // the property removed: RDS's default retention (1 day) applies, backups stay on
                    }
                    if (now == null) {
                        what.add("changes BackupRetentionPeriod, to a value the change set does not show"
                                + " (--include-property-values shows it)");
                    } else if (now == 0) {
                        what.add("sets BackupRetentionPeriod = 0 (automated backups off, the existing ones deleted)");
                    }
                }
            }
            if (!what.isEmpty()) {
                out.add(new Deletion(
                        address,
                        type,
                        kind,
                        physical,
                        account,
                        region,
                        false,
                        flag(after, "DeletionProtection"),
                        null,
                        null,
                        number(after, "BackupRetentionPeriod"),
                        String.join("; ", what)));
            }
        }
        return out;
    }

    /** The resource's context before or after (an encoded JSON string); a missing node when the change set has none. */
    private static JsonNode context(JsonNode rc, String field, String at) {
        JsonNode v = rc.get(field);
        if (v == null || v.isNull()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try {
            return v.isTextual() ? JSON.readTree(v.asText()) : v;
        } catch (Exception e) {
            throw new InvalidInputException(at + ": " + field + " is not the JSON it should encode", FIX);
        }
    }

    /** A property of the context's {@code Properties}: CloudFormation writes booleans as JSON or as strings. */
    private static Boolean flag(JsonNode context, String property) {
        JsonNode v = context.path("Properties").path(property);
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(v.asText().toLowerCase(java.util.Locale.ROOT));
        }
        return null;
    }

    private static Integer number(JsonNode context, String property) {
        JsonNode v = context.path("Properties").path(property);
        if (v.isNumber()) {
            return v.asInt();
        }
        if (v.isTextual() && v.asText().matches("\\d{1,4}")) {
            return Integer.parseInt(v.asText());
        }
        return null;
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
