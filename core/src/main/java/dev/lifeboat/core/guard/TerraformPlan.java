package dev.lifeboat.core.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.error.InvalidInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes of a Terraform plan that delete a database or its backups, read from the plan's JSON
 * representation ({@code terraform show -json plan.out}; OpenTofu writes the same), as documented at
 * https://developer.hashicorp.com/terraform/internals/json-format: {@code resource_changes[]} with {@code
 * address}, {@code mode}, {@code type}, {@code change.actions} and {@code change.before}; and {@code
 * prior_state} for what exists before the plan. Only managed resources count (data sources are read, never
 * deleted); an action list containing {@code delete} is a destroy or a replacement ({@code ["delete","create"]},
 * {@code ["create","delete"]}), either way the old resource is gone.
 */
public final class TerraformPlan {
    /** A key given twice is refused: a reader that keeps the last value could be shown another plan. */
    private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());
    /** The actions a resource change may list (Terraform 1.x, OpenTofu). */
    private static final java.util.Set<String> ACTIONS =
            java.util.Set.of("no-op", "create", "read", "update", "delete", "forget");

    private static final String FIX =
            "pass the plan as JSON: terraform plan -out plan.out && terraform show -json" + " plan.out > plan.json";
    /** The resources whose update can take a database's protection or backups away. */
    private static final java.util.Set<String> DATABASES = java.util.Set.of("aws_db_instance", "aws_rds_cluster");

    /** What a deletion takes away. */
    public enum Kind {
        /** A DB instance (aws_db_instance). */
        INSTANCE,
        /** An Aurora cluster (aws_rds_cluster), or its last instance (aws_rds_cluster_instance). */
        CLUSTER,
        /** Backups of a database: a snapshot, a cluster snapshot, or the cross-Region replication of its backups. */
        BACKUPS
    }

    /**
     * One deletion. {@code identifier}: the DB instance or cluster it concerns; {@code account} and {@code region}
     * from the resource's ARN when the plan has it (null otherwise). {@code weakens}: for an update that deletes no
     * database but takes away what protects it or its backups (deletion protection turned off, automated backups
     * turned off), what it takes away; null for a deletion.
     */
    public record Deletion(
            String address,
            String type,
            Kind kind,
            String identifier,
            String account,
            String region,
            boolean replacement,
            Boolean deletionProtection,
            Boolean skipFinalSnapshot,
            Boolean deleteAutomatedBackups,
            Integer backupRetentionPeriod,
            String weakens) {

        /** A deletion (or replacement): nothing weakened short of it. */
        public Deletion(
                String address,
                String type,
                Kind kind,
                String identifier,
                String account,
                String region,
                boolean replacement,
                Boolean deletionProtection,
                Boolean skipFinalSnapshot,
                Boolean deleteAutomatedBackups,
                Integer backupRetentionPeriod) {
            this(
                    address,
                    type,
                    kind,
                    identifier,
                    account,
                    region,
                    replacement,
                    deletionProtection,
                    skipFinalSnapshot,
                    deleteAutomatedBackups,
                    backupRetentionPeriod,
                    null);
        }

        /** Whether this is an update that strips the database of its protection or backups, not a deletion. */
        public boolean update() {
            return weakens != null;
        }
    }

    private TerraformPlan() {}

    /**
     * The deletions of the plan file's bytes: refused (naming {@code where}) unless they are UTF-8 text without a
     * NUL byte, as a plan's JSON is; a binary plan file ({@code plan.out}) says to pass its JSON instead. Terraform's
     * and OpenTofu's plans, Pulumi's previews and CloudFormation's change sets are read ({@link Plans}).
     */
    public static List<Deletion> deletions(byte[] bytes, String where) {
        return Plans.deletions(bytes, where);
    }

    /** The text of a plan file's bytes: UTF-8 without a NUL byte, or refused naming {@code where}. */
    static String text(byte[] bytes, String where) {
        String text;
        try {
            text = java.nio.charset.StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidInputException(
                    where + " is not text (a binary file: the saved plan itself, not its JSON?)", FIX);
        }
        if (text.indexOf('\0') >= 0) {
            throw new InvalidInputException(
                    where + " holds a NUL byte: a binary file (the saved plan itself, not its JSON?)", FIX);
        }
        return text;
    }

    /** Parsed strictly (a key given twice is refused), or refused naming {@code where}. */
    static JsonNode parse(String json, String where) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new InvalidInputException(
                    where + " is not JSON"
                            + (e.getMessage() != null && e.getMessage().contains("Duplicate field")
                                    ? " a reader can trust (a key given twice)"
                                    : "")
                            + ": "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
                    FIX);
        }
    }

    /**
     * The deletions of the plan {@code json}, and the updates that take a database's protection or backups away.
     * Refuses, naming {@code where} and the field, text that is not a plan's JSON or a plan it cannot read whole: a
     * duplicate key, {@code resource_changes} that is not a list, a change without its {@code address}, {@code
     * type} or {@code change.actions} list of known actions, a deletion of a database without its {@code before}.
     * What cannot be read is never taken for "deletes nothing".
     */
    public static List<Deletion> deletions(String json, String where) {
        return deletions(parse(json, where), where);
    }

    /** {@link #deletions(String, String)} of the parsed plan. */
    static List<Deletion> deletions(JsonNode root, String where) {
        if (root == null || !root.isObject() || !root.path("format_version").isTextual()) {
            throw new InvalidInputException(
                    where + " is not the JSON of a Terraform plan (no format_version)",
                    "pass the output of terraform show -json plan.out");
        }
        JsonNode changes = root.path("resource_changes");
        if (!changes.isMissingNode() && !changes.isArray()) {
            throw new InvalidInputException(
                    where + ": resource_changes is " + changes.getNodeType() + ", not a list", FIX);
        }
        Map<String, Integer> clusterInstancesBefore = clusterInstances(root.path("prior_state"));
        Map<String, Integer> clusterInstancesDeleted = new HashMap<>();
        List<Deletion> out = new ArrayList<>();
        List<JsonNode> clusterInstanceDeletions = new ArrayList<>();
        int index = 0;
        for (JsonNode c : changes) {
            String at = where + ": resource_changes[" + index++ + "]";
            if (!c.isObject()) {
                throw new InvalidInputException(at + " is " + c.getNodeType() + ", not an object", FIX);
            }
            String address = required(c, "address", at);
            String type = required(c, "type", at + " (" + address + ")");
            at = at + " (" + address + ")";
            JsonNode mode = c.get("mode");
            if (mode != null && !mode.isTextual()) {
                throw new InvalidInputException(at + ": mode is " + mode.getNodeType() + ", not a string", FIX);
            }
            List<String> actions = actions(c, at);
            if (mode != null && !mode.asText().equals("managed")) {
                continue;
            }
            JsonNode before = c.path("change").path("before");
            if (!actions.contains("delete")) {
                if (actions.contains("update") && DATABASES.contains(type)) {
                    Deletion weakened = weakened(c, type, address, at);
                    if (weakened != null) {
                        out.add(weakened);
                    }
                }
                continue;
            }
            boolean replacement = actions.contains("create");
            if (!before.isObject() && DESTRUCTIBLE.contains(type)) {
                throw new InvalidInputException(
                        at + " deletes a " + type + " but has no change.before object to say which", FIX);
            }
            switch (type) {
                case "aws_db_instance" ->
                    out.add(deletion(address, type, Kind.INSTANCE, text(before, "identifier"), before, replacement));
                case "aws_rds_cluster" ->
                    out.add(deletion(
                            address, type, Kind.CLUSTER, text(before, "cluster_identifier"), before, replacement));
                case "aws_rds_cluster_instance" -> {
                    clusterInstancesDeleted.merge(text(before, "cluster_identifier"), 1, Integer::sum);
                    clusterInstanceDeletions.add(c);
                }
                case "aws_db_snapshot" ->
                    out.add(deletion(
                            address, type, Kind.BACKUPS, text(before, "db_instance_identifier"), before, replacement));
                case "aws_db_cluster_snapshot" ->
                    out.add(deletion(
                            address, type, Kind.BACKUPS, text(before, "db_cluster_identifier"), before, replacement));
                case "aws_db_instance_automated_backups_replication" -> {
                    String source = text(before, "source_db_instance_arn");
                    out.add(new Deletion(
                            address,
                            type,
                            Kind.BACKUPS,
                            source == null ? null : source.substring(source.lastIndexOf(':') + 1),
                            arnPart(source, 4),
                            arnPart(source, 3),
                            replacement,
                            null,
                            null,
                            null,
                            null));
                }
                default -> {}
            }
        }
        // A cluster's instances: deleting one leaves the cluster serving; deleting its last one does not. Without
        // a prior state to count them, each counts as the last (the safe side).
        for (JsonNode c : clusterInstanceDeletions) {
            JsonNode before = c.path("change").path("before");
            String cluster = text(before, "cluster_identifier");
            Integer existed = clusterInstancesBefore.get(cluster);
            if (existed == null || clusterInstancesDeleted.getOrDefault(cluster, 0) >= existed) {
                List<String> actions = new ArrayList<>();
                c.path("change").path("actions").forEach(a -> actions.add(a.asText()));
                out.add(deletion(
                        c.path("address").asText(),
                        c.path("type").asText(),
                        Kind.CLUSTER,
                        cluster,
                        before,
                        actions.contains("create")));
            }
        }
        return out;
    }

    /** The types whose deletion the guard decides on. */
    private static final java.util.Set<String> DESTRUCTIBLE = java.util.Set.of(
            "aws_db_instance",
            "aws_rds_cluster",
            "aws_rds_cluster_instance",
            "aws_db_snapshot",
            "aws_db_cluster_snapshot",
            "aws_db_instance_automated_backups_replication");

    private static String required(JsonNode c, String field, String at) {
        JsonNode v = c.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new InvalidInputException(
                    at + ": " + field + " is " + (v == null ? "missing" : v.getNodeType() + ", not a string"), FIX);
        }
        return v.asText();
    }

    /** {@code change.actions}: a non-empty list of known actions, or the plan is refused. */
    private static List<String> actions(JsonNode c, String at) {
        JsonNode change = c.get("change");
        if (change == null || !change.isObject()) {
            throw new InvalidInputException(
                    at + ": change is " + (change == null ? "missing" : change.getNodeType() + ", not an object"), FIX);
        }
        JsonNode list = change.get("actions");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new InvalidInputException(
                    at + ": change.actions is "
                            + (list == null
                                    ? "missing"
                                    : list.isArray() ? "empty" : list.getNodeType() + ", not a list")
                            + " (a plan lists them, e.g. [\"delete\"])",
                    FIX);
        }
        List<String> actions = new ArrayList<>();
        for (JsonNode a : list) {
            if (!a.isTextual() || !ACTIONS.contains(a.asText())) {
                throw new InvalidInputException(
                        at + ": change.actions holds " + a + ", not one of " + new java.util.TreeSet<>(ACTIONS), FIX);
            }
            actions.add(a.asText());
        }
        return actions;
    }

    /**
     * An update of a DB instance or cluster that turns deletion protection off or automated backups off (retention
     * 0), or leaves either to be known only after apply: it deletes no database, but what protects the database
     * and its backups. Null when it does neither.
     */
    private static Deletion weakened(JsonNode c, String type, String address, String at) {
        JsonNode change = c.path("change");
        JsonNode before = change.path("before");
        JsonNode after = change.path("after");
        JsonNode unknown = change.path("after_unknown");
        if (!after.isObject()) {
            throw new InvalidInputException(at + " updates a " + type + " but has no change.after object", FIX);
        }
        List<String> what = new ArrayList<>();
        if (after.path("deletion_protection").isBoolean()
                && !after.path("deletion_protection").asBoolean()
                && !(before.path("deletion_protection").isBoolean()
                        && !before.path("deletion_protection").asBoolean())) {
            what.add("sets deletion_protection = false");
        } else if (unknown.path("deletion_protection").asBoolean(false)) {
            what.add("leaves deletion_protection to be known after apply");
        }
        JsonNode retention = after.path("backup_retention_period");
        if (retention.isNumber()
                && retention.asInt() == 0
                && !(before.path("backup_retention_period").isNumber()
                        && before.path("backup_retention_period").asInt() == 0)) {
            what.add("sets backup_retention_period = 0 (automated backups off, the existing ones deleted)");
        } else if (unknown.path("backup_retention_period").asBoolean(false)) {
            what.add("leaves backup_retention_period to be known after apply");
        }
        if (what.isEmpty()) {
            return null;
        }
        if (after.path("skip_final_snapshot").asBoolean(false)
                && !before.path("skip_final_snapshot").asBoolean(false)) {
            what.add("sets skip_final_snapshot = true (a later delete leaves no final snapshot)");
        }
        JsonNode values = before.isObject() ? before : after;
        String identifier = text(values, type.equals("aws_rds_cluster") ? "cluster_identifier" : "identifier");
        String arn = text(values, "arn");
        return new Deletion(
                address,
                type,
                type.equals("aws_rds_cluster") ? Kind.CLUSTER : Kind.INSTANCE,
                identifier,
                arnPart(arn, 4),
                arnPart(arn, 3),
                false,
                bool(after, "deletion_protection"),
                bool(after, "skip_final_snapshot"),
                null,
                after.path("backup_retention_period").isNumber()
                        ? after.path("backup_retention_period").asInt()
                        : null,
                String.join("; ", what));
    }

    private static Deletion deletion(
            String address, String type, Kind kind, String identifier, JsonNode before, boolean replacement) {
        String arn = text(before, "arn");
        return new Deletion(
                address,
                type,
                kind,
                identifier,
                arnPart(arn, 4),
                arnPart(arn, 3),
                replacement,
                bool(before, "deletion_protection"),
                bool(before, "skip_final_snapshot"),
                bool(before, "delete_automated_backups"),
                before.has("backup_retention_period")
                                && before.get("backup_retention_period").isNumber()
                        ? before.get("backup_retention_period").asInt()
                        : null);
    }

    /** The number of aws_rds_cluster_instance resources per cluster in the prior state (every module). */
    private static Map<String, Integer> clusterInstances(JsonNode priorState) {
        Map<String, Integer> out = new HashMap<>();
        count(priorState.path("values").path("root_module"), out);
        return out;
    }

    private static void count(JsonNode module, Map<String, Integer> out) {
        for (JsonNode r : module.path("resources")) {
            if ("aws_rds_cluster_instance".equals(r.path("type").asText())
                    && "managed".equals(r.path("mode").asText("managed"))) {
                out.merge(text(r.path("values"), "cluster_identifier"), 1, Integer::sum);
            }
        }
        for (JsonNode child : module.path("child_modules")) {
            count(child, out);
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return (v == null || v.isNull()) ? null : v.asText();
    }

    static Boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return (v == null || v.isNull()) ? null : v.asBoolean();
    }

    static String arnPart(String arn, int index) {
        if (arn == null) {
            return null;
        }
        String[] parts = arn.split(":", -1);
        return parts.length > index && !parts[index].isEmpty() ? parts[index] : null;
    }
}
