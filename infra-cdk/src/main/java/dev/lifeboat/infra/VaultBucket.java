package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.VaultKeys;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectLockRetention;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;

/**
 * The vault: the locked bucket lifeboat.yml names, its access logs, and its bucket policy, the one place that says
 * who may write where in it (the accounts' spaces of {@link VaultKeys}), under which key, and that nothing is
 * replaced or deleted but by the break-glass role; and the bucket of its access logs, which the trail's bucket logs
 * to as well. Made in the backup stack's own scope, so its resources keep their logical ids.
 */
record VaultBucket(Bucket vault, Bucket accessLogs) {
    /** S3's 20 KB for a bucket policy, less a margin for what CloudFormation resolves longer than CDK's tokens. */
    static final int VAULT_POLICY_AT_MOST = 19_000;

    static VaultBucket create(Stack stack, LifeboatConfig config, Key key) {
        LifeboatConfig.Backup backup = config.backup();
        // Access logs of the vault, and the vault.
        Bucket logs = Bucket.Builder.create(stack, "VaultAccessLogs")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .versioned(true)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        // The vault is the bucket lifeboat.yml names: the dump functions and roles are configured with that name,
        // so a generated name would send the dumps somewhere that is not the locked vault.
        Bucket vault = Bucket.Builder.create(stack, "Vault")
                .bucketName(VaultUri.bucket(backup.vault()))
                .objectLockEnabled(true)
                .objectLockDefaultRetention(ObjectLockRetention.compliance(Duration.days(backup.vaultRetentionDays())))
                .versioned(true)
                .encryption(BucketEncryption.KMS)
                .encryptionKey(key)
                .bucketKeyEnabled(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .serverAccessLogsBucket(logs)
                .serverAccessLogsPrefix("vault/")
                .removalPolicy(RemovalPolicy.RETAIN)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .id("abort-incomplete-uploads-and-cool-down")
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .transitions(
                                backup.vaultColdAfterDays() == 0
                                        ? List.of()
                                        : List.of(Transition.builder()
                                                .storageClass(StorageClass.GLACIER_INSTANT_RETRIEVAL)
                                                .transitionAfter(Duration.days(backup.vaultColdAfterDays()))
                                                .build()))
                        .build()))
                .build();
        vault.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("DenyTamperingExceptBreakGlass")
                .effect(Effect.DENY)
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of(
                        "s3:DeleteObject",
                        "s3:DeleteObjectVersion",
                        "s3:PutBucketPolicy",
                        "s3:DeleteBucketPolicy",
                        "s3:PutBucketObjectLockConfiguration",
                        "s3:PutLifecycleConfiguration",
                        "s3:PutBucketVersioning",
                        "s3:DeleteBucket",
                        "s3:BypassGovernanceRetention"))
                .resources(List.of(vault.getBucketArn(), vault.arnForObjects("*")))
                .conditions(Map.of("ArnNotEquals", Map.of("aws:PrincipalArn", backup.breakGlassRoleArn())))
                .build());
        // A manifest vouches for a backup: nobody may replace one, whatever the client does
        // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes-enforce.html).
        vault.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("ManifestsOnlyIfAbsent")
                .effect(Effect.DENY)
                .principals(List.of(new AnyPrincipal()))
                .actions(List.of("s3:PutObject"))
                .resources(List.of(
                        vault.arnForObjects("*" + VaultKeys.MANIFEST_SUFFIX),
                        vault.arnForObjects("*" + VaultKeys.SHAPE_SUFFIX),
                        // The change archives' manifests, gap marks and starts (issues 40 and 41): a streamer in
                        // production may add them, never replace one (found by a hostile review: a replaced gap
                        // mark made the recovery point lie).
                        vault.arnForObjects("*" + VaultKeys.SEGMENT_SUFFIX),
                        vault.arnForObjects("*" + VaultKeys.GAP_SUFFIX),
                        vault.arnForObjects("*/" + VaultKeys.BINLOG_START)))
                .conditions(Map.of("Null", Map.of("s3:if-none-match", "true")))
                .build());

        // The dump functions run in the source accounts' VPCs (SourceAccountStack): they may add objects and
        // read manifests, nothing else; Object Lock keeps every version they write. Each account writes only in its
        // own space of the vault, accounts/<account>/dumps/ (AccountSpaces), which the policy variable
        // ${aws:PrincipalAccount} names
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
        // one statement for the whole fleet instead of one per account (issue 16), and every reader takes a
        // database's dumps only from the space of the account lifeboat.yml names for it.
        List<String> dumpingAccounts = config.databases().values().stream()
                .filter(d -> d.dump() != null)
                .map(d -> d.source().account())
                .distinct()
                .sorted()
                .toList();
        if (!dumpingAccounts.isEmpty()) {
            String space = VaultUri.prefix(backup.vault()) + VaultKeys.ACCOUNTS + "${aws:PrincipalAccount}/";
            // The accounts as fixed principals (bare ids, the shortest form the Principal element takes): a policy
            // granting "*" would count as public under the vault's Block Public Access unless S3 accepted its
            // conditions as fixed values
            // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
            Map<String, Object> onlyTheirDumpRoles = Map.of(
                    "ArnLike",
                    Map.of("aws:PrincipalArn", "arn:aws:iam::*:role/" + SourceAccountStack.DUMP_ROLE_PREFIX + "*"));
            // One statement, so the list of accounts is written once. HeadBucket (the dump's first check) needs
            // s3:ListBucket without a prefix, so listing is not narrowed to the space: the dumping accounts see the
            // vault's key names, as before the spaces, and never an object outside their own space.
            vault.addToResourcePolicy(PolicyStatement.Builder.create()
                    .sid("DumpsIntoTheirAccountsSpace")
                    .effect(Effect.ALLOW)
                    .principals(dumpingAccounts.stream()
                            .map(a -> (software.amazon.awscdk.services.iam.IPrincipal) new ArnPrincipal(a))
                            .toList())
                    .actions(List.of(
                            "s3:PutObject",
                            "s3:AbortMultipartUpload",
                            "s3:GetObject",
                            // Routing HEADs each backup's objects by version (issue 36, item 6): with a versionId,
                            // GetObject and HeadObject need s3:GetObjectVersion
                            // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
                            "s3:GetObjectVersion",
                            // No s3:PutObjectRetention (issue 37, item 4): a write that names a lock mode or date
                            // needs it, so production's writers take the vault's default (COMPLIANCE, its
                            // vaultRetentionDays) and cannot shorten it or choose GOVERNANCE.
                            "s3:ListBucket",
                            "s3:GetBucketObjectLockConfiguration"))
                    .resources(List.of(vault.getBucketArn(), vault.arnForObjects(space + VaultKeys.DUMPS + "*")))
                    .conditions(onlyTheirDumpRoles)
                    .build());
            // The change archives of the streamers deployed beside the dumps (issues 40 and 41): only the accounts
            // with a streamed database may add to their spaces' changes/ and binlog/.
            List<String> streamingAccounts = config.databases().values().stream()
                    .filter(d -> d.dump() != null && d.dump().stream() != null)
                    .map(d -> d.source().account())
                    .distinct()
                    .sorted()
                    .toList();
            if (!streamingAccounts.isEmpty()) {
                vault.addToResourcePolicy(PolicyStatement.Builder.create()
                        .sid("StreamsIntoTheirAccountsSpace")
                        .effect(Effect.ALLOW)
                        .principals(streamingAccounts.stream()
                                .map(a -> (software.amazon.awscdk.services.iam.IPrincipal) new ArnPrincipal(a))
                                .toList())
                        .actions(List.of(
                                "s3:PutObject", "s3:AbortMultipartUpload", "s3:GetObject", "s3:GetObjectVersion"))
                        .resources(List.of(
                                vault.arnForObjects(space + VaultKeys.CHANGES + "*"),
                                vault.arnForObjects(space + VaultKeys.BINLOG + "*")))
                        .conditions(onlyTheirDumpRoles)
                        .build());
            }
        }
        // Nobody chooses the key of what lands in the accounts' spaces (issue 37, item 4): a dump written under a
        // key production owns could be made unreadable later by disabling that key. A write that names a KMS key
        // names the backup key; one that names another kind of encryption (SSE-S3, DSSE) or brings its own key
        // (SSE-C, "Null" on the customer algorithm as in AWS's RCP example S3-Deny-SSE-C) is refused; one that
        // names none takes the vault's default, the backup key. Conditions on the request's headers, which only
        // CreateMultipartUpload and PutObject carry, so the parts of an upload (UploadPart, also s3:PutObject) pass.
        String accountsSpaces = vault.arnForObjects(VaultUri.prefix(backup.vault()) + VaultKeys.ACCOUNTS + "*");
        vault.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("DumpsOnlyUnderTheBackupKey")
                .effect(Effect.DENY)
                .principals(List.of(new software.amazon.awscdk.services.iam.AnyPrincipal()))
                .actions(List.of("s3:PutObject"))
                .resources(List.of(accountsSpaces))
                .conditions(Map.of(
                        "Null",
                        Map.of("s3:x-amz-server-side-encryption-aws-kms-key-id", "false"),
                        "StringNotEquals",
                        Map.of("s3:x-amz-server-side-encryption-aws-kms-key-id", backup.kmsKeyArn())))
                .build());
        vault.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("DumpsOnlyUnderKms")
                .effect(Effect.DENY)
                .principals(List.of(new software.amazon.awscdk.services.iam.AnyPrincipal()))
                .actions(List.of("s3:PutObject"))
                .resources(List.of(accountsSpaces))
                .conditions(Map.of(
                        "Null", Map.of("s3:x-amz-server-side-encryption", "false"),
                        "StringNotEquals", Map.of("s3:x-amz-server-side-encryption", "aws:kms")))
                .build());
        vault.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("NoCustomerProvidedKeys")
                .effect(Effect.DENY)
                .principals(List.of(new software.amazon.awscdk.services.iam.AnyPrincipal()))
                .actions(List.of("s3:PutObject"))
                .resources(List.of(vault.arnForObjects("*")))
                .conditions(Map.of("Null", Map.of("s3:x-amz-server-side-encryption-customer-algorithm", "false")))
                .build());

        // S3 allows a bucket policy 20 KB
        // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/BucketRestrictions.html);
        // a fleet that dumps from too many accounts is refused at synth, not at deploy.
        stack.getNode().addValidation(() -> {
            if (vault.getPolicy() == null) {
                return List.of();
            }
            int size;
            try {
                size = new com.fasterxml.jackson.databind.ObjectMapper()
                        .writeValueAsString(
                                stack.resolve(vault.getPolicy().getDocument().toJSON()))
                        .length();
            } catch (java.io.IOException e) {
                return List.of("the vault's bucket policy cannot be measured: " + e.getMessage());
            }
            return size <= VAULT_POLICY_AT_MOST
                    ? List.of()
                    : List.of("the vault's bucket policy would be " + size + " characters, more than the 20,480 S3"
                            + " allows: the " + dumpingAccounts.size() + " accounts that dump are listed in it. Dump"
                            + " from fewer accounts per deployment (snapshot copies have no such limit)");
        });
        return new VaultBucket(vault, logs);
    }
}
