package dev.lifeboat.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
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

    /** The secrets restores use: the logins of their targets and the passwords of the instances they create. */
    public static final String RESTORE_SECRETS = "lifeboat/restore/";

    /**
     * One statement. {@code condition} may be empty; {@code principals} only in a resource policy (a key
     * policy): AWS principal ARNs, or {@code "*"}.
     */
    public record Statement(
            String sid,
            String effect,
            List<String> actions,
            List<String> resources,
            Map<String, Map<String, String>> condition,
            List<String> principals) {

        /** An identity-policy statement (no principal). */
        public Statement(
                String sid,
                String effect,
                List<String> actions,
                List<String> resources,
                Map<String, Map<String, String>> condition) {
            this(sid, effect, actions, resources, condition, List.of());
        }
    }

    /**
     * The restore role in the backup account: it may read snapshots and instances, restore new
     * instances and clusters, tag them, share and copy snapshots to restore elsewhere, and use the
     * backup key for that, and assume the source roles to restore in a source account. It may not
     * delete or modify any instance, cluster or snapshot.
     */
    public static List<Statement> restoreRole(String backupAccount, String backupKeyArn, List<String> sourceRoleArns) {
        List<Statement> s = new ArrayList<>(restoreInBackupAccount(backupAccount, backupKeyArn));
        s.addAll(recreateTheShape(backupAccount));
        // lifeboat restore --from dump --create-instance keeps the new instance's master password here (issue 14); a
        // repeated step finds the secret made and sets its value (SecretsManagerStore.put: PutSecretValue).
        s.add(new Statement(
                "KeepNewInstancesPasswords",
                "Allow",
                List.of("secretsmanager:CreateSecret", "secretsmanager:PutSecretValue"),
                List.of("arn:aws:secretsmanager:*:" + backupAccount + ":secret:" + RESTORE_SECRETS + "*"),
                Map.of()));
        // A dump restore reads its target's login (the payload's targetSecretArn; issue 36, item 5): those secrets
        // are named lifeboat/restore/..., in the backup account (the passwords kept above) or in a source account of
        // lifeboat.yml, never an account lifeboat.yml does not name (a restore into a database someone else controls
        // would hand them the backup's data). A source account's secret must also admit the restore role in its
        // resource policy and be encrypted with a customer managed key whose policy admits it: an AWS managed key
        // cannot be used across accounts
        // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html).
        List<String> accounts = accountsOf(sourceRoleArns, backupAccount);
        s.add(new Statement(
                "ReadTheRestoreTargetsLogins",
                "Allow",
                List.of("secretsmanager:GetSecretValue"),
                accounts.stream()
                        .map(a -> "arn:aws:secretsmanager:*:" + a + ":secret:" + RESTORE_SECRETS + "*")
                        .toList(),
                Map.of()));
        List<String> sourceAccounts =
                accounts.stream().filter(a -> !a.equals(backupAccount)).toList();
        if (!sourceAccounts.isEmpty()) {
            // KMS requires the caller's own policy to allow a key of another account, beside that key's policy
            // (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html);
            // decrypting through Secrets Manager only
            // (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
            s.add(new Statement(
                    "DecryptSourceAccountsLoginsThroughSecretsManagerOnly",
                    "Allow",
                    List.of("kms:Decrypt"),
                    sourceAccounts.stream()
                            .map(a -> "arn:aws:kms:*:" + a + ":key/*")
                            .toList(),
                    Map.of("StringLike", Map.of("kms:ViaService", "secretsmanager.*.amazonaws.com"))));
        }
        if (!sourceRoleArns.isEmpty()) {
            s.add(new Statement(
                    "AssumeSourceRolesToRestoreThere", "Allow", List.of("sts:AssumeRole"), sourceRoleArns, Map.of()));
        }
        return s;
    }

    /** What the restore and verification roles may do in the backup account itself. */
    private static List<Statement> restoreInBackupAccount(String backupAccount, String backupKeyArn) {
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
                useThroughRdsOnly("UseTheBackupKeyThroughRdsOnly", List.of(backupKeyArn)),
                seeKeys("DescribeTheBackupKey", List.of(backupKeyArn)),
                grantsForRdsOnly("KeyGrantsOnlyForAwsResources", List.of(backupKeyArn)),
                noRetagging(backupAccount, "*"),
                // Only the pipeline marks a snapshot as a database's backup copy (lifeboat:role): a restore or
                // verification role that could would make a snapshot it found (or had made) count as fresh and be
                // offered as latest (issue 37, item 7). Their own copies and instances carry no lifeboat:role.
                new Statement(
                        "NeverMarkABackupCopy",
                        "Deny",
                        List.of("rds:AddTagsToResource"),
                        List.of(rds + "snapshot:*", rds + "cluster-snapshot:*"),
                        Map.of("Null", Map.of("aws:RequestTag/" + Tags.ROLE, "false"))),
                describeTheShape());
    }

    /**
     * The verification role: what the restore role may do in the backup account but share or copy copies,
     * plus setting the throwaway instance's
     * password and deleting it, both only on instances and clusters tagged as verification instances,
     * plus the secrets under {@code lifeboat/verification/}.
     */
    public static List<Statement> verificationRole(String backupAccount, String region, String backupKeyArn) {
        String rds = "arn:aws:rds:" + region + ":" + backupAccount + ":";
        // A verification restores in the backup account and never shares a copy out.
        List<Statement> s = new ArrayList<>(restoreInBackupAccount(backupAccount, backupKeyArn).stream()
                .filter(st -> !st.sid().equals("CopyAndShareToRestoreElsewhere"))
                .toList());
        s.add(new Statement(
                "ModifyAndDeleteOnlyVerificationInstances",
                "Allow",
                List.of("rds:ModifyDBInstance", "rds:ModifyDBCluster", "rds:DeleteDBInstance", "rds:DeleteDBCluster"),
                List.of(rds + "db:lifeboat-verify-*", rds + "cluster:lifeboat-verify-*"),
                Map.of("Null", Map.of("aws:ResourceTag/" + Tags.VERIFICATION, "false"))));
        s.add(new Statement(
                "VerificationSecrets",
                "Allow",
                // PutSecretValue: a check repeated after a timeout finds the secret made and sets its value
                // (SecretsManagerStore.put; issue 36, item 11).
                List.of(
                        "secretsmanager:CreateSecret",
                        "secretsmanager:PutSecretValue",
                        "secretsmanager:DeleteSecret",
                        "secretsmanager:TagResource"),
                List.of("arn:aws:secretsmanager:" + region + ":" + backupAccount + ":secret:lifeboat/verification/*"),
                Map.of()));
        return s;
    }

    /**
     * The fleet's fan-out (issue 16), run by the snapshot step function: start executions of the snapshot pipeline
     * and the verification state machine, named by their fixed names, and look up their executions by name;
     * nothing else of Step Functions.
     */
    public static List<Statement> fanOut(String backupAccount, String region) {
        String machines = "arn:aws:states:" + region + ":" + backupAccount + ":stateMachine:";
        String executions = "arn:aws:states:" + region + ":" + backupAccount + ":execution:";
        return List.of(
                new Statement(
                        "StartTheFleetsRuns",
                        "Allow",
                        List.of("states:StartExecution"),
                        List.of(machines + Names.SNAPSHOT_STATE_MACHINE, machines + Names.VERIFICATION_STATE_MACHINE),
                        Map.of()),
                new Statement(
                        "SeeWhetherARunWasStarted",
                        "Allow",
                        List.of("states:DescribeExecution"),
                        List.of(
                                executions + Names.SNAPSHOT_STATE_MACHINE + ":*",
                                executions + Names.VERIFICATION_STATE_MACHINE + ":*"),
                        Map.of()));
    }

    /**
     * The audit function's role (issue 12): assume the source roles, whose own policy allows only describe calls
     * and the rest of what they do (the audit itself makes describe calls only), and list the copies in the backup
     * account with their tags. Reading the vault and publishing to the notifications topic come from the CDK app's
     * grants on that bucket and topic. Nothing here writes, tags or deletes.
     */
    public static List<Statement> auditRole(List<String> sourceRoleArns) {
        List<Statement> s = new ArrayList<>();
        if (!sourceRoleArns.isEmpty()) {
            s.add(new Statement("AssumeSourceRoles", "Allow", List.of("sts:AssumeRole"), sourceRoleArns, Map.of()));
        }
        s.add(new Statement(
                "DescribeCopies",
                "Allow",
                List.of(
                        "rds:DescribeDBInstances",
                        "rds:DescribeDBClusters",
                        "rds:DescribeDBSnapshots",
                        "rds:DescribeDBClusterSnapshots",
                        "rds:ListTagsForResource"),
                List.of("*"),
                Map.of()));
        return s;
    }

    /**
     * The snapshot pipeline's role in the backup account: assume the source roles, copy shared snapshots
     * in, tag them, and delete only snapshots Lifeboat tagged (failed copies, staging copies, retention).
     */
    public static List<Statement> snapshotPipelineRole(
            String backupAccount, String backupKeyArn, List<String> sourceRoleArns) {
        return snapshotPipelineRole(backupAccount, backupKeyArn, sourceRoleArns, List.of());
    }

    /**
     * The pipeline's role, with the other keys its copies pass through: the source accounts' share keys (the
     * shared snapshot is encrypted with them) and the backup account's staging keys. KMS requires the
     * caller's own IAM policy to allow a key of another account, beside that key's policy: "you cannot use
     * the key policy alone" (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html).
     */
    public static List<Statement> snapshotPipelineRole(
            String backupAccount, String backupKeyArn, List<String> sourceRoleArns, List<String> copyKeyArns) {
        return snapshotPipelineRole(backupAccount, backupKeyArn, sourceRoleArns, copyKeyArns, List.of());
    }

    /**
     * The pipeline's role, also snapshotting the backup account's own databases ({@code ownDatabaseArns}: sources
     * in the backup account, backed up into another Region). The pipeline calls RDS there with its own
     * credentials, assuming no role, so it needs what the source role has for them: make snapshots of them, and
     * use their keys through RDS.
     */
    public static List<Statement> snapshotPipelineRole(
            String backupAccount,
            String backupKeyArn,
            List<String> sourceRoleArns,
            List<String> copyKeyArns,
            List<String> ownDatabaseArns) {
        List<Statement> s = new ArrayList<>(pipelineInBackupAccount(backupAccount, backupKeyArn, sourceRoleArns));
        if (!copyKeyArns.isEmpty()) {
            List<String> keys = keysOfAFleet(copyKeyArns);
            s.add(useThroughRdsOnly("UseTheKeysCopiesPassThrough", keys));
            s.add(seeKeys("DescribeThoseKeys", keys));
            s.add(grantsForRdsOnly("GrantsOnThoseKeysOnlyForAwsResources", keys));
        }
        if (!ownDatabaseArns.isEmpty()) {
            String rds = "arn:aws:rds:*:" + backupAccount + ":";
            List<String> resources = new ArrayList<>(ownDatabaseArns);
            resources.addAll(List.of(rds + "snapshot:lifeboat-*", rds + "cluster-snapshot:lifeboat-*"));
            s.add(new Statement(
                    "SnapshotTheBackupAccountsOwnDatabases",
                    "Allow",
                    List.of("rds:CreateDBSnapshot", "rds:CreateDBClusterSnapshot"),
                    resources,
                    Map.of()));
            String ownKeys = "arn:aws:kms:*:" + backupAccount + ":key/*";
            s.add(useThroughRdsOnly("UseTheirKeysThroughRdsOnly", List.of(ownKeys)));
            s.add(grantsForRdsOnly("GrantTheirKeysToRdsOnly", List.of(ownKeys)));
        }
        return s;
    }

    private static List<Statement> pipelineInBackupAccount(
            String backupAccount, String backupKeyArn, List<String> sourceRoleArns) {
        String rds = "arn:aws:rds:*:" + backupAccount + ":";
        // A copy reads a snapshot the source account shared, or the backup account's own staging copy, and
        // writes lifeboat-* in the backup account: the source accounts' and the backup account's snapshots.
        // One pattern per account covers its snapshots and cluster snapshots ("snapshot:" and "cluster-snapshot:",
        // nothing else of RDS has "snapshot:" before its name): a fleet's accounts, not twice as many.
        List<String> copySources = new ArrayList<>();
        for (String account : accountsOf(sourceRoleArns, backupAccount)) {
            copySources.add("arn:aws:rds:*:" + account + ":*snapshot:*");
        }
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
                        List.of("rds:CopyDBSnapshot", "rds:CopyDBClusterSnapshot"),
                        copySources,
                        Map.of()),
                new Statement(
                        "TagOwnNewCopiesWithLifeboatKeys",
                        "Allow",
                        List.of("rds:AddTagsToResource"),
                        List.of(rds + "snapshot:lifeboat-*", rds + "cluster-snapshot:lifeboat-*"),
                        Map.of("ForAllValues:StringLike", Map.of("aws:TagKeys", "lifeboat:*"))),
                noRetagging(backupAccount, "*"),
                new Statement(
                        "DeleteOnlyLifeboatSnapshots",
                        "Allow",
                        List.of("rds:DeleteDBSnapshot", "rds:DeleteDBClusterSnapshot"),
                        List.of(rds + "snapshot:lifeboat-*", rds + "cluster-snapshot:lifeboat-*"),
                        Map.of("StringEquals", Map.of("aws:ResourceTag/" + Tags.MANAGED_BY, "lifeboat"))),
                useThroughRdsOnly("UseTheBackupKeyThroughRdsOnly", List.of(backupKeyArn)),
                seeKeys("DescribeTheBackupKey", List.of(backupKeyArn)),
                grantsForRdsOnly("KeyGrantsOnlyForAwsResources", List.of(backupKeyArn)),
                describeTheShape());
    }

    /**
     * The source role in a production account, assumed by the backup account's snapshot pipeline (with
     * the external id) and by the restore role to restore into this account: read the databases and snapshots,
     * make and copy snapshots of the configured databases, share Lifeboat's snapshots, delete only snapshots
     * named {@code lifeboat-*} that carry Lifeboat's tag; copy Lifeboat's copies in from the backup account and
     * restore them into new databases. Keys only through RDS: this account's (the databases' own keys, the share
     * key) and the backup key (to copy a shared copy). No S3, no key administration, nothing that deletes or
     * modifies a database.
     *
     * @param databaseArns the configured databases of this account and Region ({@code db:} or {@code cluster:})
     */
    public static List<Statement> sourceRole(
            String account, String region, List<String> databaseArns, String backupAccount, String backupKeyArn) {
        String rds = "arn:aws:rds:" + region + ":" + account + ":";
        String anywhere = "arn:aws:rds:*:" + account + ":";
        List<String> lifeboatSnapshots = List.of(rds + "snapshot:lifeboat-*", rds + "cluster-snapshot:lifeboat-*");
        // The databases alone in their statement: a StackSet passes them as one list parameter (issue 16).
        List<String> sources = new ArrayList<>(List.of(rds + "snapshot:rds:*", rds + "cluster-snapshot:rds:*"));
        sources.addAll(lifeboatSnapshots);
        String thisAccountsKeys = "arn:aws:kms:*:" + account + ":key/*";
        List<Statement> statements = List.of(
                new Statement(
                        "Describe",
                        "Allow",
                        List.of(
                                "rds:DescribeDBInstances",
                                "rds:DescribeDBClusters",
                                "rds:DescribeDBSnapshots",
                                "rds:DescribeDBClusterSnapshots",
                                "rds:DescribeDBSnapshotAttributes",
                                "rds:DescribeDBClusterSnapshotAttributes",
                                "rds:ListTagsForResource"),
                        List.of("*"),
                        Map.of()),
                new Statement(
                        "SnapshotTheDatabases",
                        "Allow",
                        List.of("rds:CreateDBSnapshot", "rds:CreateDBClusterSnapshot"),
                        databaseArns,
                        Map.of()),
                new Statement(
                        "MakeAndShareSnapshots",
                        "Allow",
                        List.of(
                                "rds:CreateDBSnapshot",
                                "rds:CreateDBClusterSnapshot",
                                "rds:CopyDBSnapshot",
                                "rds:CopyDBClusterSnapshot",
                                "rds:AddTagsToResource",
                                "rds:ModifyDBSnapshotAttribute",
                                "rds:ModifyDBClusterSnapshotAttribute"),
                        sources,
                        Map.of()),
                new Statement(
                        "DeleteOnlyLifeboatSnapshots",
                        "Allow",
                        List.of("rds:DeleteDBSnapshot", "rds:DeleteDBClusterSnapshot"),
                        lifeboatSnapshots,
                        Map.of("StringEquals", Map.of("aws:ResourceTag/" + Tags.MANAGED_BY, "lifeboat"))),
                new Statement(
                        "CopyLifeboatCopiesInToRestore",
                        "Allow",
                        List.of("rds:CopyDBSnapshot", "rds:CopyDBClusterSnapshot"),
                        List.of(
                                "arn:aws:rds:*:" + backupAccount + ":snapshot:lifeboat-*",
                                "arn:aws:rds:*:" + backupAccount + ":cluster-snapshot:lifeboat-*",
                                anywhere + "snapshot:lifeboat-*",
                                anywhere + "cluster-snapshot:lifeboat-*"),
                        Map.of()),
                new Statement(
                        "RestoreNewDatabases",
                        "Allow",
                        List.of(
                                "rds:RestoreDBInstanceFromDBSnapshot",
                                "rds:RestoreDBClusterFromSnapshot",
                                "rds:CreateDBInstance"),
                        List.of(
                                anywhere + "db:*",
                                anywhere + "cluster:*",
                                anywhere + "snapshot:lifeboat-*",
                                anywhere + "cluster-snapshot:lifeboat-*",
                                anywhere + "subgrp:*",
                                anywhere + "og:*",
                                anywhere + "pg:*",
                                anywhere + "cluster-pg:*"),
                        Map.of()),
                new Statement(
                        "TagWhatItMakesWithLifeboatKeysOnly",
                        "Allow",
                        List.of("rds:AddTagsToResource"),
                        List.of(
                                anywhere + "db:*",
                                anywhere + "cluster:*",
                                anywhere + "snapshot:lifeboat-*",
                                anywhere + "cluster-snapshot:lifeboat-*"),
                        Map.of("ForAllValues:StringLike", Map.of("aws:TagKeys", "lifeboat:*"))),
                useThroughRdsOnly("UseThisAccountsKeysThroughRdsOnly", List.of(thisAccountsKeys, backupKeyArn)),
                seeKeys("DescribeThoseKeys", List.of(thisAccountsKeys, backupKeyArn)),
                grantsForRdsOnly("GrantThoseKeysToRdsOnly", List.of(thisAccountsKeys, backupKeyArn)),
                noRetagging(account, "*"),
                describeTheShape(),
                // The audit checks, from the backup account, that the incident's forwarding rules are there, enabled
                // and aimed at the backup account (issue 37): read-only, on those rules alone.
                new Statement(
                        "SeeTheIncidentForwarding",
                        "Allow",
                        List.of("events:DescribeRule", "events:ListTargetsByRule"),
                        List.of("arn:aws:events:" + region + ":" + account + ":rule/" + Names.INCIDENT_RULE_PREFIX
                                + "*"),
                        Map.of()));
        List<Statement> all = new ArrayList<>(statements);
        all.addAll(recreateTheShape(account));
        return all;
    }

    /**
     * Describing a database's shape (issue 14): its parameter and option groups, subnet group, and EC2's subnets and
     * security groups with their rules. Describe calls only; EC2's describe calls take no resource ARNs.
     */
    private static Statement describeTheShape() {
        return new Statement(
                "DescribeTheShape",
                "Allow",
                List.of(
                        "rds:DescribeDBParameterGroups",
                        "rds:DescribeDBParameters",
                        "rds:DescribeDBClusterParameterGroups",
                        "rds:DescribeDBClusterParameters",
                        "rds:DescribeEngineDefaultParameters",
                        "rds:DescribeEngineDefaultClusterParameters",
                        "rds:DescribeOptionGroups",
                        "rds:DescribeDBSubnetGroups",
                        "ec2:DescribeSubnets",
                        "ec2:DescribeSecurityGroups"),
                List.of("*"),
                Map.of());
    }

    /**
     * Recreating what a restore needs from the recorded shape (issue 14), in {@code account}: new parameter groups
     * named {@code <name>-lifeboat-<date>} and DB subnet groups named {@code <id>-lifeboat}, values set only on groups
     * that carry {@code lifeboat:restore}; new security groups that carry it from their creation, and rules only on
     * those. Nothing that exists without the tag can be changed: a production parameter group or security group stays
     * as it is (EC2: tag on create, https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/supported-iam-actions-tagging.html).
     */
    private static List<Statement> recreateTheShape(String account) {
        String rds = "arn:aws:rds:*:" + account + ":";
        String groups = "arn:aws:ec2:*:" + account + ":security-group/*";
        List<String> lifeboatGroups =
                List.of(rds + "pg:*-lifeboat-*", rds + "cluster-pg:*-lifeboat-*", rds + "og:*-lifeboat-*");
        List<String> made = new ArrayList<>(lifeboatGroups);
        made.add(rds + "subgrp:*-lifeboat");
        return List.of(
                new Statement(
                        "RecreateGroupsToRestore",
                        "Allow",
                        List.of(
                                "rds:CreateDBParameterGroup",
                                "rds:CreateDBClusterParameterGroup",
                                "rds:CreateOptionGroup",
                                "rds:CreateDBSubnetGroup",
                                "rds:AddTagsToResource"),
                        made,
                        Map.of("ForAllValues:StringLike", Map.of("aws:TagKeys", "lifeboat:*"))),
                new Statement(
                        "SetValuesOnlyOfGroupsARestoreMade",
                        "Allow",
                        List.of(
                                "rds:ModifyDBParameterGroup",
                                "rds:ModifyDBClusterParameterGroup",
                                "rds:ModifyOptionGroup"),
                        lifeboatGroups,
                        Map.of("Null", Map.of("aws:ResourceTag/" + Tags.RESTORE, "false"))),
                new Statement(
                        "CreateTaggedSecurityGroupsToRestore",
                        "Allow",
                        List.of("ec2:CreateSecurityGroup"),
                        List.of(groups),
                        Map.of("Null", Map.of("aws:RequestTag/" + Tags.RESTORE, "false"))),
                new Statement(
                        "InTheTargetVpc",
                        "Allow",
                        List.of("ec2:CreateSecurityGroup"),
                        List.of("arn:aws:ec2:*:" + account + ":vpc/*"),
                        Map.of()),
                new Statement(
                        "TagSecurityGroupsOnlyAsTheyAreMade",
                        "Allow",
                        List.of("ec2:CreateTags"),
                        List.of(groups),
                        Map.of("StringEquals", Map.of("ec2:CreateAction", "CreateSecurityGroup"))),
                new Statement(
                        "RulesOnlyOnGroupsARestoreMade",
                        "Allow",
                        List.of(
                                "ec2:AuthorizeSecurityGroupIngress",
                                "ec2:AuthorizeSecurityGroupEgress",
                                "ec2:RevokeSecurityGroupEgress"),
                        List.of(groups),
                        Map.of("Null", Map.of("aws:ResourceTag/" + Tags.RESTORE, "false"))));
    }

    /**
     * Tags go on a snapshot when it is made, never later: no role may add tags to, or remove tags from, a
     * snapshot that already carries Lifeboat's mark. RDS authorizes the tags of a create or copy request as
     * {@code rds:AddTagsToResource} on the new snapshot, which has no tags yet, so tagging at copy time stays
     * allowed (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/security_iam_id-based-policy-examples-grant-permissions-tags-on-create.html).
     * A compromised function therefore cannot re-date, re-own or un-mark a copy to steer retention.
     */
    private static Statement noRetagging(String account, String region) {
        String rds = "arn:aws:rds:" + region + ":" + account + ":";
        return new Statement(
                "NeverRetagLifeboatSnapshots",
                "Deny",
                List.of("rds:AddTagsToResource", "rds:RemoveTagsFromResource"),
                List.of(rds + "snapshot:*", rds + "cluster-snapshot:*"),
                Map.of("StringEquals", Map.of("aws:ResourceTag/" + Tags.MANAGED_BY, "lifeboat")));
    }

    /**
     * The organization's service control policy for the backup account (attach it to the account or its OU from
     * the management account). Beyond what the backup account's own policies say, and binding its
     * administrators and root user too
     * (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html):
     *
     * <ul>
     *   <li>only the snapshot pipeline's role (retention) deletes Lifeboat's copies, and only the restore role
     *       shares them; nobody retags them;
     *   <li>only the deploy role changes, passes or recreates Lifeboat's roles and the break-glass role, or
     *       changes Lifeboat's functions, state machines and schedules (a passed role would let a new function
     *       act as retention);
     *   <li>only the break-glass role, signed in with MFA, deletes, disables or re-polices a key of the backup
     *       account or changes the vault's policy, Object Lock, versioning or lifecycle.
     * </ul>
     *
     * SCPs do not bind the management account or service-linked roles; IAM has no condition key for the
     * accounts a snapshot is shared with, so that list stays enforced by the restore code (only accounts of
     * lifeboat.yml) and by the backup key, which no other account may use.
     */
    public static List<Statement> organizationGuard(
            String backupAccount, String vaultBucket, String breakGlassRoleArn, String deployRoleArn) {
        String rds = "arn:aws:rds:*:" + backupAccount + ":";
        List<String> copies = List.of(rds + "snapshot:lifeboat-*", rds + "cluster-snapshot:lifeboat-*");
        List<String> roles = new ArrayList<>(List.of(Names.roleArn(backupAccount, Names.PREFIX + "*")));
        if (!breakGlassRoleArn.startsWith(Names.roleArn(backupAccount, Names.PREFIX))) {
            roles.add(breakGlassRoleArn);
        }
        List<String> guardedByBreakGlass = List.of(
                "kms:ScheduleKeyDeletion",
                "kms:DisableKey",
                "kms:PutKeyPolicy",
                "s3:PutBucketPolicy",
                "s3:DeleteBucketPolicy",
                "s3:PutBucketObjectLockConfiguration",
                "s3:PutBucketVersioning",
                "s3:PutLifecycleConfiguration");
        List<String> keysAndVault = List.of("arn:aws:kms:*:" + backupAccount + ":key/*", "arn:aws:s3:::" + vaultBucket);
        return List.of(
                new Statement(
                        "OnlyRetentionDeletesCopies",
                        "Deny",
                        List.of("rds:DeleteDBSnapshot", "rds:DeleteDBClusterSnapshot"),
                        copies,
                        notBy(Names.roleArn(backupAccount, Names.PIPELINE_ROLE))),
                new Statement(
                        "OnlyRestoreSharesCopies",
                        "Deny",
                        List.of("rds:ModifyDBSnapshotAttribute", "rds:ModifyDBClusterSnapshotAttribute"),
                        copies,
                        notBy(Names.roleArn(backupAccount, Names.RESTORE_ROLE))),
                new Statement(
                        "NobodyRetagsCopies",
                        "Deny",
                        List.of("rds:AddTagsToResource", "rds:RemoveTagsFromResource"),
                        List.of(rds + "snapshot:*", rds + "cluster-snapshot:*"),
                        Map.of("StringEquals", Map.of("aws:ResourceTag/" + Tags.MANAGED_BY, "lifeboat"))),
                new Statement(
                        "OnlyDeployChangesTheRoles",
                        "Deny",
                        List.of(
                                "iam:CreateRole",
                                "iam:DeleteRole",
                                "iam:UpdateRole",
                                "iam:UpdateAssumeRolePolicy",
                                "iam:AttachRolePolicy",
                                "iam:DetachRolePolicy",
                                "iam:PutRolePolicy",
                                "iam:DeleteRolePolicy",
                                "iam:PutRolePermissionsBoundary",
                                "iam:DeleteRolePermissionsBoundary",
                                "iam:TagRole",
                                "iam:UntagRole",
                                "iam:PassRole"),
                        roles,
                        notBy(deployRoleArn)),
                new Statement(
                        "OnlyDeployChangesTheFunctions",
                        "Deny",
                        List.of(
                                "lambda:UpdateFunctionCode",
                                "lambda:UpdateFunctionConfiguration",
                                "lambda:DeleteFunction",
                                "lambda:PutFunctionConcurrency",
                                "lambda:AddPermission",
                                "lambda:RemovePermission",
                                "states:UpdateStateMachine",
                                "states:DeleteStateMachine",
                                "scheduler:UpdateSchedule",
                                "scheduler:DeleteSchedule"),
                        List.of(
                                "arn:aws:lambda:*:" + backupAccount + ":function:" + Names.PREFIX + "*",
                                "arn:aws:states:*:" + backupAccount + ":stateMachine:" + Names.PREFIX + "*",
                                "arn:aws:scheduler:*:" + backupAccount + ":schedule/*/" + Names.PREFIX + "*"),
                        notBy(deployRoleArn)),
                new Statement(
                        "OnlyBreakGlassChangesKeysAndVault",
                        "Deny",
                        guardedByBreakGlass,
                        keysAndVault,
                        notBy(breakGlassRoleArn)),
                new Statement(
                        "AndOnlyWithMfa",
                        "Deny",
                        guardedByBreakGlass,
                        keysAndVault,
                        Map.of("BoolIfExists", Map.of("aws:MultiFactorAuthPresent", "false"))));
    }

    private static Map<String, Map<String, String>> notBy(String roleArn) {
        return Map.of("ArnNotLike", Map.of("aws:PrincipalArn", roleArn));
    }

    /** A policy document as small as IAM takes it: SCPs are limited to 5,120 characters. */
    public static String compactDocument(List<Statement> statements) {
        try {
            return JSON.writeValueAsString(JSON.readTree(document(statements)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The dump function's role in a production account: read the configured databases' secrets, add
     * objects under its own databases' prefixes of the vault (and read them back to check what it wrote),
     * see the vault's Object Lock settings, and use the backup key through S3 only. No delete of any
     * object, no bucket administration, nothing under another account's databases.
     *
     * @param objectPrefixes the key prefixes of its databases' dumps ({@code PREFIX/accounts/<account>/dumps/<id>/})
     */
    public static List<Statement> dumpRole(
            List<String> secretArns,
            String vaultBucket,
            List<String> objectPrefixes,
            String backupKeyArn,
            String backupRegion) {
        return List.of(
                new Statement(
                        "ReadTheDatabaseSecrets",
                        "Allow",
                        List.of("secretsmanager:GetSecretValue"),
                        secretArns,
                        Map.of()),
                new Statement(
                        "AddToItsDatabasesPrefixes",
                        "Allow",
                        // GetObjectVersion: routing HEADs each backup's objects by version (BackupCatalog), and a
                        // GetObject or HeadObject with a versionId needs it; s3:GetObject does not cover it
                        // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions").
                        List.of(
                                "s3:PutObject",
                                "s3:AbortMultipartUpload",
                                "s3:GetObject",
                                // No s3:PutObjectRetention: the vault's default lock applies (issue 37, item 4).
                                "s3:GetObjectVersion"),
                        objectPrefixes.stream()
                                .map(p -> "arn:aws:s3:::" + vaultBucket + "/" + p + "*")
                                .toList(),
                        Map.of()),
                new Statement(
                        "SeeTheVault",
                        "Allow",
                        List.of("s3:ListBucket", "s3:GetBucketObjectLockConfiguration"),
                        List.of("arn:aws:s3:::" + vaultBucket),
                        Map.of()),
                new Statement(
                        "EncryptWithTheBackupKeyThroughS3",
                        "Allow",
                        List.of("kms:GenerateDataKey", "kms:Encrypt", "kms:DescribeKey", "kms:Decrypt"),
                        List.of(backupKeyArn),
                        Map.of("StringEquals", Map.of("kms:ViaService", "s3." + backupRegion + ".amazonaws.com"))));
    }

    /** Past this many keys, a fleet's keys are named by account (issue 16). */
    static final int KEYS_LISTED_AT_MOST = 10;

    /**
     * The keys copies pass through, as a policy names them: each key while there are few; past {@link
     * #KEYS_LISTED_AT_MOST}, every key of their accounts ({@code arn:aws:kms:*:ACCOUNT:key/*}), so the pipeline's
     * policy grows with the fleet's accounts, not its databases, and stays inside IAM's 10,240 characters for a
     * role's inline policies (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). The
     * statements keep their limits (through RDS only, grants only for AWS resources), and another account's key
     * is usable only where its own key policy admits the backup account.
     */
    static List<String> keysOfAFleet(List<String> keyArns) {
        if (keyArns.size() <= KEYS_LISTED_AT_MOST) {
            return keyArns;
        }
        LinkedHashSet<String> byAccount = new LinkedHashSet<>();
        for (String arn : keyArns) {
            String[] parts = arn.split(":", 6);
            byAccount.add(parts.length == 6 ? "arn:aws:kms:*:" + parts[4] + ":key/*" : arn);
        }
        return List.copyOf(byAccount);
    }

    /**
     * {@code kms:DescribeKey} directly, not only through RDS: a key's metadata, nothing it protects, so that {@code
     * lifeboat preflight} can check with the role's own credentials that the key exists and that both the key
     * policy and the role's policy let the role reach it.
     */
    private static Statement seeKeys(String sid, List<String> keyArns) {
        return new Statement(sid, "Allow", List.of("kms:DescribeKey"), keyArns, Map.of());
    }

    /**
     * What RDS needs of a key to copy and restore encrypted snapshots for the caller ({@link KeyPolicies#RDS_USE}),
     * usable only through RDS: the role cannot decrypt anything with the key on its own
     * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
     */
    private static Statement useThroughRdsOnly(String sid, List<String> keyArns) {
        return new Statement(
                sid,
                "Allow",
                KeyPolicies.RDS_USE,
                keyArns,
                Map.of("StringLike", Map.of("kms:ViaService", "rds.*.amazonaws.com")));
    }

    /**
     * RDS creates grants on the key to copy and restore encrypted snapshots; a role may create grants only
     * for an AWS resource, never hand the key to a principal of its choosing
     * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource).
     */
    private static Statement grantsForRdsOnly(String sid, List<String> keyArns) {
        return new Statement(
                sid,
                "Allow",
                List.of("kms:CreateGrant"),
                keyArns,
                Map.of("Bool", Map.of("kms:GrantIsForAWSResource", "true")));
    }

    /** The accounts of the role ARNs ({@code arn:aws:iam::ACCOUNT:role/NAME}), then {@code also}; each once. */
    private static List<String> accountsOf(List<String> roleArns, String also) {
        LinkedHashSet<String> accounts = new LinkedHashSet<>();
        for (String arn : roleArns) {
            String[] parts = arn.split(":", 6);
            if (parts.length == 6 && !parts[4].isEmpty()) {
                accounts.add(parts[4]);
            }
        }
        accounts.add(also);
        return List.copyOf(accounts);
    }

    /** A policy document as IAM reads it. */
    public static String document(List<Statement> statements) {
        ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
        ArrayNode list = doc.putArray("Statement");
        for (Statement s : statements) {
            ObjectNode n = list.addObject().put("Sid", s.sid()).put("Effect", s.effect());
            if (s.principals().equals(List.of("*"))) {
                n.put("Principal", "*");
            } else if (!s.principals().isEmpty()) {
                s.principals().forEach(n.putObject("Principal").withArray("AWS")::add);
            }
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
