package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.AccountPrincipal;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * One source account and Region: the role the backup account assumes (with an external id), allowed
 * to describe, create, copy and share snapshots and to delete only the snapshots Lifeboat tagged; and
 * the customer managed share key whose policy lets the backup account copy what is shared.
 */
public final class SourceAccountStack extends Stack {
    private final Role role;
    private final Key shareKey;

    public SourceAccountStack(Construct scope, String id, StackProps props, LifeboatConfig config, String account, String region) {
        super(scope, id, props);
        String backupAccount = config.backup().account();
        List<LifeboatConfig.Database> here = config.databases().values().stream()
                .filter(d -> d.source().account().equals(account) && d.source().region().equals(region)).toList();
        Set<String> externalIds = new LinkedHashSet<>();
        here.forEach(d -> externalIds.add(d.source().externalId()));
        String roleArn = here.getFirst().source().roleArn();
        String roleName = roleArn.substring(roleArn.indexOf(":role/") + ":role/".length());

        role = Role.Builder.create(this, "LifeboatSourceRole")
                .roleName(roleName)
                .description("Lifeboat (backup account " + backupAccount + "): snapshots of this account's databases")
                .assumedBy(new AccountPrincipal(backupAccount).withConditions(
                        Map.of("StringEquals", Map.of("sts:ExternalId", new ArrayList<>(externalIds)))))
                .build();
        String rds = "arn:aws:rds:" + region + ":" + account + ":";
        role.addToPolicy(PolicyStatement.Builder.create().sid("Describe")
                .actions(List.of("rds:DescribeDBInstances", "rds:DescribeDBClusters", "rds:DescribeDBSnapshots",
                        "rds:DescribeDBClusterSnapshots", "rds:DescribeDBSnapshotAttributes", "rds:DescribeDBClusterSnapshotAttributes",
                        "rds:ListTagsForResource"))
                .resources(List.of("*")).build());
        List<String> databases = new ArrayList<>();
        for (LifeboatConfig.Database d : here) {
            databases.add(rds + (d.source().kind() == LifeboatConfig.DbKind.CLUSTER ? "cluster:" : "db:") + d.source().identifier());
        }
        List<String> snapshots = List.of(rds + "snapshot:lifeboat-*", rds + "cluster-snapshot:lifeboat-*");
        List<String> sources = new ArrayList<>(databases);
        sources.addAll(List.of(rds + "snapshot:rds:*", rds + "cluster-snapshot:rds:*"));
        sources.addAll(snapshots);
        role.addToPolicy(PolicyStatement.Builder.create().sid("MakeAndShareSnapshots")
                .actions(List.of("rds:CreateDBSnapshot", "rds:CreateDBClusterSnapshot", "rds:CopyDBSnapshot",
                        "rds:CopyDBClusterSnapshot", "rds:AddTagsToResource", "rds:ModifyDBSnapshotAttribute",
                        "rds:ModifyDBClusterSnapshotAttribute"))
                .resources(sources).build());
        role.addToPolicy(PolicyStatement.Builder.create().sid("DeleteOnlyLifeboatSnapshots")
                .actions(List.of("rds:DeleteDBSnapshot", "rds:DeleteDBClusterSnapshot"))
                .resources(snapshots)
                .conditions(Map.of("StringEquals", Map.of("aws:ResourceTag/lifeboat:managed-by", "lifeboat")))
                .build());

        shareKey = Key.Builder.create(this, "ShareKey")
                .alias("alias/lifeboat-share")
                .description("Lifeboat: re-encrypts snapshots so they can be shared with the backup account " + backupAccount)
                .enableKeyRotation(true)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        shareKey.addToResourcePolicy(PolicyStatement.Builder.create().sid("BackupAccountCopiesShared")
                .effect(Effect.ALLOW).principals(List.of(new ArnPrincipal("arn:aws:iam::" + backupAccount + ":root")))
                .actions(List.of("kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ReEncryptFrom", "kms:ReEncryptTo"))
                .resources(List.of("*")).build());
        shareKey.grant(role, "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:Encrypt", "kms:ReEncryptFrom",
                "kms:ReEncryptTo", "kms:GenerateDataKeyWithoutPlaintext");
    }

    public Role role() {
        return role;
    }

    public Key shareKey() {
        return shareKey;
    }
}
