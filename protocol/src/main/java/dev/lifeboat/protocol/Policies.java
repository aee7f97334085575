package dev.lifeboat.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The IAM policies of Lifeboat's roles, as documents the CDK app attaches and tests read. Least
 * privilege: no action that deletes an instance or cluster is ever granted, and snapshot deletion only
 * on snapshots Lifeboat tagged.
 */
public final class Policies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Policies() {}

    /** One statement. {@code condition} may be empty. */
    public record Statement(
            String sid,
            String effect,
            List<String> actions,
            List<String> resources,
            Map<String, Map<String, String>> condition) {}

    /**
     * The restore role in the backup account: it may read snapshots and instances, restore new
     * instances and clusters, tag them, share and copy snapshots to restore elsewhere, and use the
     * backup key for that. It may not delete or modify any instance, cluster or snapshot.
     */
    public static List<Statement> restoreRole(String backupAccount, String backupKeyArn) {
        String rds = "arn:aws:rds:*:" + backupAccount + ":";
        return List.of(
                new Statement(
                        "Describe",
                        "Allow",
                        List.of(
                                "rds:DescribeDBSnapshots",
                                "rds:DescribeDBClusterSnapshots",
                                "rds:DescribeDBSnapshotAttributes",
                                "rds:DescribeDBClusterSnapshotAttributes",
                                "rds:DescribeDBInstances",
                                "rds:DescribeDBClusters",
                                "rds:ListTagsForResource"),
                        List.of("*"),
                        Map.of()),
                new Statement(
                        "RestoreNew",
                        "Allow",
                        List.of(
                                "rds:RestoreDBInstanceFromDBSnapshot",
                                "rds:RestoreDBClusterFromSnapshot",
                                "rds:CreateDBInstance",
                                "rds:AddTagsToResource"),
                        List.of(
                                rds + "db:*",
                                rds + "cluster:*",
                                rds + "snapshot:*",
                                rds + "cluster-snapshot:*",
                                rds + "subgrp:*",
                                rds + "og:*",
                                rds + "pg:*",
                                rds + "cluster-pg:*"),
                        Map.of()),
                new Statement(
                        "CopyAndShareToRestoreElsewhere",
                        "Allow",
                        List.of(
                                "rds:CopyDBSnapshot",
                                "rds:CopyDBClusterSnapshot",
                                "rds:ModifyDBSnapshotAttribute",
                                "rds:ModifyDBClusterSnapshotAttribute"),
                        List.of(rds + "snapshot:lifeboat-*", rds + "cluster-snapshot:lifeboat-*"),
                        Map.of()),
                new Statement(
                        "UseBackupKey",
                        "Allow",
                        List.of(
                                "kms:Decrypt",
                                "kms:DescribeKey",
                                "kms:CreateGrant",
                                "kms:ReEncryptFrom",
                                "kms:ReEncryptTo",
                                "kms:GenerateDataKeyWithoutPlaintext"),
                        List.of(backupKeyArn),
                        Map.of()));
    }

    /**
     * The verification role: what the restore role may do, plus setting the throwaway instance's
     * password and deleting it, both only on instances and clusters tagged as verification instances,
     * plus the secrets under {@code lifeboat/verification/}.
     */
    public static List<Statement> verificationRole(String backupAccount, String region, String backupKeyArn) {
        String rds = "arn:aws:rds:" + region + ":" + backupAccount + ":";
        List<Statement> s = new ArrayList<>(restoreRole(backupAccount, backupKeyArn));
        s.add(new Statement(
                "ModifyAndDeleteOnlyVerificationInstances",
                "Allow",
                List.of("rds:ModifyDBInstance", "rds:ModifyDBCluster", "rds:DeleteDBInstance", "rds:DeleteDBCluster"),
                List.of(rds + "db:lifeboat-verify-*", rds + "cluster:lifeboat-verify-*"),
                Map.of("Null", Map.of("aws:ResourceTag/lifeboat:verification", "false"))));
        s.add(new Statement(
                "VerificationSecrets",
                "Allow",
                List.of("secretsmanager:CreateSecret", "secretsmanager:DeleteSecret", "secretsmanager:TagResource"),
                List.of("arn:aws:secretsmanager:" + region + ":" + backupAccount + ":secret:lifeboat/verification/*"),
                Map.of()));
        return s;
    }

    /**
     * The snapshot pipeline's role in the backup account: assume the source roles, copy shared snapshots
     * in, tag them, and delete only snapshots Lifeboat tagged (failed copies, staging copies, retention).
     */
    public static List<Statement> snapshotPipelineRole(
            String backupAccount, String backupKeyArn, List<String> sourceRoleArns) {
        String rds = "arn:aws:rds:*:" + backupAccount + ":";
        return List.of(
                new Statement("AssumeSourceRoles", "Allow", List.of("sts:AssumeRole"), sourceRoleArns, Map.of()),
                new Statement(
                        "Describe",
                        "Allow",
                        List.of(
                                "rds:DescribeDBSnapshots",
                                "rds:DescribeDBClusterSnapshots",
                                "rds:DescribeDBSnapshotAttributes",
                                "rds:DescribeDBClusterSnapshotAttributes",
                                "rds:DescribeDBInstances",
                                "rds:DescribeDBClusters",
                                "rds:DescribeAccountAttributes",
                                "rds:ListTagsForResource"),
                        List.of("*"),
                        Map.of()),
                new Statement(
                        "CopyIn",
                        "Allow",
                        List.of("rds:CopyDBSnapshot", "rds:CopyDBClusterSnapshot", "rds:AddTagsToResource"),
                        List.of("arn:aws:rds:*:*:snapshot:*", "arn:aws:rds:*:*:cluster-snapshot:*"),
                        Map.of()),
                new Statement(
                        "DeleteOnlyLifeboatSnapshots",
                        "Allow",
                        List.of("rds:DeleteDBSnapshot", "rds:DeleteDBClusterSnapshot"),
                        List.of(rds + "snapshot:lifeboat-*", rds + "cluster-snapshot:lifeboat-*"),
                        Map.of("StringEquals", Map.of("aws:ResourceTag/lifeboat:managed-by", "lifeboat"))),
                new Statement(
                        "UseBackupKey",
                        "Allow",
                        List.of(
                                "kms:Decrypt",
                                "kms:DescribeKey",
                                "kms:CreateGrant",
                                "kms:ReEncryptFrom",
                                "kms:ReEncryptTo",
                                "kms:GenerateDataKeyWithoutPlaintext"),
                        List.of(backupKeyArn),
                        Map.of()));
    }

    /** A policy document as IAM reads it. */
    public static String document(List<Statement> statements) {
        ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
        ArrayNode list = doc.putArray("Statement");
        for (Statement s : statements) {
            ObjectNode n = list.addObject().put("Sid", s.sid()).put("Effect", s.effect());
            s.actions().forEach(n.withArray("Action")::add);
            s.resources().forEach(n.withArray("Resource")::add);
            if (!s.condition().isEmpty()) {
                ObjectNode c = n.putObject("Condition");
                s.condition().forEach((op, kv) -> {
                    ObjectNode o = c.putObject(op);
                    kv.forEach(o::put);
                });
            }
        }
        return doc.toPrettyString();
    }
}
