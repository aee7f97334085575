package dev.lifeboat.protocol;

import dev.lifeboat.protocol.Policies.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The key policies of Lifeboat's KMS keys, as documents the CDK app sets and the tests' KMS model evaluates.
 * Each starts with the account's own root, so that the account's IAM policies can grant the key (without it,
 * no identity policy of the account counts: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
 */
public final class KeyPolicies {
    private KeyPolicies() {}

    /**
     * What RDS needs of a key to copy, share and restore encrypted snapshots on a caller's behalf, as the RDS
     * User Guide's key policy for another account lists it ("Sharing encrypted snapshots", "Allowing access to an
     * AWS KMS key": https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/share-encrypted-snapshot.html), with
     * {@code ReEncrypt*} and {@code GenerateDataKey*} spelled out.
     */
    public static final List<String> RDS_USE = List.of(
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncryptFrom",
            "kms:ReEncryptTo",
            "kms:GenerateDataKey",
            "kms:GenerateDataKeyWithoutPlaintext",
            "kms:DescribeKey");

    /**
     * The backup key: the backup account administers it; the source accounts' dump roles use it through S3
     * only; the source accounts (the accounts a restore may target) use it through RDS only, to copy a shared
     * copy into their own key; only the break-glass role deletes, disables or re-polices it.
     */
    public static List<Statement> backupKey(
            String backupAccount, String backupRegion, List<String> sourceAccounts, String breakGlassRoleArn) {
        List<Statement> s = new ArrayList<>();
        s.add(root(backupAccount));
        if (!sourceAccounts.isEmpty()) {
            List<String> roots =
                    sourceAccounts.stream().map(KeyPolicies::rootOf).toList();
            s.add(new Statement(
                    "DumpUploadsFromSourceAccountsThroughS3",
                    "Allow",
                    List.of("kms:GenerateDataKey", "kms:Encrypt", "kms:DescribeKey", "kms:Decrypt"),
                    List.of("*"),
                    Map.of("StringEquals", Map.of("kms:ViaService", "s3." + backupRegion + ".amazonaws.com")),
                    roots));
            s.add(new Statement(
                    "RestoreTargetsCopyThroughRds",
                    "Allow",
                    RDS_USE,
                    List.of("*"),
                    Map.of("StringLike", Map.of("kms:ViaService", "rds.*.amazonaws.com")),
                    roots));
            s.add(new Statement(
                    "RestoreTargetsGrantRdsOnly",
                    "Allow",
                    List.of("kms:CreateGrant"),
                    List.of("*"),
                    Map.of("Bool", Map.of("kms:GrantIsForAWSResource", "true")),
                    roots));
        }
        s.add(onlyBreakGlassDeletesDisablesOrRepolices(breakGlassRoleArn));
        return s;
    }

    /** A staging key of the backup account in a source Region (two-step copies). */
    public static List<Statement> stagingKey(String backupAccount, String breakGlassRoleArn) {
        return List.of(root(backupAccount), onlyBreakGlassDeletesDisablesOrRepolices(breakGlassRoleArn));
    }

    /**
     * A source account's share key: the source account administers it (its source role uses it through its IAM
     * policy); the backup account may use it to copy the snapshots shared with it, and grant it only to RDS.
     */
    public static List<Statement> shareKey(String sourceAccount, String backupAccount) {
        return List.of(
                root(sourceAccount),
                new Statement(
                        "BackupAccountCopiesShared",
                        "Allow",
                        RDS_USE,
                        List.of("*"),
                        Map.of(),
                        List.of(rootOf(backupAccount))),
                new Statement(
                        "BackupAccountGrantsRdsOnly",
                        "Allow",
                        List.of("kms:CreateGrant"),
                        List.of("*"),
                        Map.of("Bool", Map.of("kms:GrantIsForAWSResource", "true")),
                        List.of(rootOf(backupAccount))));
    }

    private static Statement root(String account) {
        return new Statement(
                "AccountAdministersAndIamGrants",
                "Allow",
                List.of("kms:*"),
                List.of("*"),
                Map.of(),
                List.of(rootOf(account)));
    }

    private static Statement onlyBreakGlassDeletesDisablesOrRepolices(String breakGlassRoleArn) {
        return new Statement(
                "DenyKeyDeletionExceptBreakGlass",
                "Deny",
                List.of("kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"),
                List.of("*"),
                Map.of("ArnNotEquals", Map.of("aws:PrincipalArn", breakGlassRoleArn)),
                List.of("*"));
    }

    private static String rootOf(String account) {
        return "arn:aws:iam::" + account + ":root";
    }
}
