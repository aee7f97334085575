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
    private static final ObjectMapper JSON = new ObjectMapper();

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
     * from the resource's ARN when the plan has it (null otherwise).
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
            Integer backupRetentionPeriod) {}

    private TerraformPlan() {}

    /** The deletions of the plan {@code json}; refuses text that is not a plan's JSON, naming {@code where}. */
    public static List<Deletion> deletions(String json, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            throw new InvalidInputException(
                    where + " is not JSON: "
                            + e.getMessage().lines().findFirst().orElse(""),
                    "pass the plan as JSON: terraform plan -out plan.out && terraform show -json plan.out > plan.json");
        }
        if (root == null || !root.isObject() || !root.has("format_version")) {
            throw new InvalidInputException(
                    where + " is not the JSON of a Terraform plan (no format_version)",
                    "pass the output of terraform show -json plan.out");
        }
        JsonNode changes = root.path("resource_changes");
        Map<String, Integer> clusterInstancesBefore = clusterInstances(root.path("prior_state"));
        Map<String, Integer> clusterInstancesDeleted = new HashMap<>();
        List<Deletion> out = new ArrayList<>();
        List<JsonNode> clusterInstanceDeletions = new ArrayList<>();
        for (JsonNode c : changes) {
            if (!"managed".equals(c.path("mode").asText("managed"))) {
                continue;
            }
            List<String> actions = new ArrayList<>();
            c.path("change").path("actions").forEach(a -> actions.add(a.asText()));
            if (!actions.contains("delete")) {
                continue;
            }
            boolean replacement = actions.contains("create");
            JsonNode before = c.path("change").path("before");
            String type = c.path("type").asText();
            String address = c.path("address").asText();
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

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return (v == null || v.isNull()) ? null : v.asText();
    }

    private static Boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return (v == null || v.isNull()) ? null : v.asBoolean();
    }

    private static String arnPart(String arn, int index) {
        if (arn == null) {
            return null;
        }
        String[] parts = arn.split(":", -1);
        return parts.length > index && !parts[index].isEmpty() ? parts[index] : null;
    }
}
