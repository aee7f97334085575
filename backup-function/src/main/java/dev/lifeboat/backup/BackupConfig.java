package dev.lifeboat.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.InvalidInputException;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The backup function's configuration, from its environment (set by the CDK stack):
 *
 * <pre>
 * LIFEBOAT_VAULT                 s3://BUCKET/PREFIX (required)
 * LIFEBOAT_KMS_KEY_ID            KMS key for SSE-KMS (optional)
 * LIFEBOAT_OBJECT_LOCK_MODE      COMPLIANCE | GOVERNANCE (optional, with _DAYS)
 * LIFEBOAT_OBJECT_LOCK_DAYS      retention in days (optional, with _MODE)
 * LIFEBOAT_DATABASES             {"orders": {"secretId": "arn:...", "dbname": "optional override"}, ...}
 * LIFEBOAT_EXACT_COUNT_THRESHOLD rows (default 100000)
 * </pre>
 *
 * Every error names the variable and the field.
 */
record BackupConfig(
        String vault,
        String kmsKeyId,
        String lockMode,
        Integer lockDays,
        Map<String, Source> databases,
        long exactCountThreshold) {

    record Source(String secretId, String dbname) {}

    static BackupConfig fromEnvironment(Map<String, String> env) {
        String vault = env.get("LIFEBOAT_VAULT");
        if (vault == null || !vault.startsWith("s3://")) {
            throw invalid(
                    "LIFEBOAT_VAULT",
                    "must be s3://BUCKET/PREFIX, got " + (vault == null ? "nothing" : "'" + vault + "'"));
        }
        String mode = blankToNull(env.get("LIFEBOAT_OBJECT_LOCK_MODE"));
        Integer days = null;
        String daysText = blankToNull(env.get("LIFEBOAT_OBJECT_LOCK_DAYS"));
        if (daysText != null) {
            try {
                days = Integer.parseInt(daysText);
            } catch (NumberFormatException e) {
                throw invalid("LIFEBOAT_OBJECT_LOCK_DAYS", "must be a whole number of days, got '" + daysText + "'");
            }
            if (days < 1) {
                throw invalid("LIFEBOAT_OBJECT_LOCK_DAYS", "must be at least 1");
            }
        }
        if ((mode == null) != (days == null)) {
            throw invalid(
                    "LIFEBOAT_OBJECT_LOCK_MODE", "and LIFEBOAT_OBJECT_LOCK_DAYS go together: set both or neither");
        }
        if (mode != null && !mode.toUpperCase(Locale.ROOT).matches("COMPLIANCE|GOVERNANCE")) {
            throw invalid("LIFEBOAT_OBJECT_LOCK_MODE", "must be COMPLIANCE or GOVERNANCE, got '" + mode + "'");
        }
        long threshold = 100_000;
        String thresholdText = blankToNull(env.get("LIFEBOAT_EXACT_COUNT_THRESHOLD"));
        if (thresholdText != null) {
            try {
                threshold = Long.parseLong(thresholdText);
            } catch (NumberFormatException e) {
                throw invalid(
                        "LIFEBOAT_EXACT_COUNT_THRESHOLD",
                        "must be a whole number of rows, got '" + thresholdText + "'");
            }
        }
        return new BackupConfig(
                vault,
                blankToNull(env.get("LIFEBOAT_KMS_KEY_ID")),
                mode == null ? null : mode.toUpperCase(Locale.ROOT),
                days,
                databases(env.get("LIFEBOAT_DATABASES")),
                threshold);
    }

    private static Map<String, Source> databases(String json) {
        if (json == null || json.isBlank()) {
            throw invalid(
                    "LIFEBOAT_DATABASES",
                    "is missing; set it to {\"<database-id>\": {\"secretId\": \"<secret ARN>\"}}");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw invalid("LIFEBOAT_DATABASES", "is not JSON");
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw invalid("LIFEBOAT_DATABASES", "must be a non-empty JSON object of database ids");
        }
        Map<String, Source> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String id = e.getKey();
            try {
                VaultLayout.requireDatabaseId(id);
            } catch (InvalidInputException ex) {
                throw invalid("LIFEBOAT_DATABASES." + id, ex.getMessage() + "; " + ex.hint());
            }
            JsonNode secret = e.getValue().get("secretId");
            if (secret == null || !secret.isTextual() || secret.asText().isBlank()) {
                throw invalid(
                        "LIFEBOAT_DATABASES." + id + ".secretId", "is missing; give the ARN of the database's secret");
            }
            JsonNode dbname = e.getValue().get("dbname");
            result.put(id, new Source(secret.asText(), dbname == null || dbname.isNull() ? null : dbname.asText()));
        }
        return result;
    }

    Duration lockFor() {
        return lockDays == null ? null : Duration.ofDays(lockDays);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static InvalidInputException invalid(String field, String problem) {
        return new InvalidInputException(
                field + " " + problem, "fix the function's environment (the CDK stack sets it from lifeboat.yml)");
    }
}
