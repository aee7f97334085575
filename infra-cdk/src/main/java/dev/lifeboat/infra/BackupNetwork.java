package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.Policies;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.s3.Bucket;

/**
 * How the restore and verification functions reach RDS, STS, Secrets Manager and the vault from the subnets of
 * {@code backup.network}: the egress lifeboat.yml chooses ({@link VpcEgress}), with endpoint policies that admit
 * only the vault, the deployed configuration and Lifeboat's own secrets. Made in the backup stack's own scope, so
 * its resources keep their logical ids.
 */
final class BackupNetwork {
    private BackupNetwork() {}

    static void create(Stack stack, LifeboatConfig config, Bucket vault, ConfigDocuments.Published configDocument) {
        LifeboatConfig.Backup backup = config.backup();
        if (backup.network() != null) {
            LifeboatConfig.Network net = backup.network();
            VpcEgress.create(
                    stack,
                    "BackupNetwork",
                    net.egress(),
                    backup.region(),
                    net.vpcId(),
                    net.subnetIds(),
                    net.securityGroupIds(),
                    new VpcEgress.Need(
                            List.of("s3", "rds", "sts", "secretsmanager"),
                            Map.of(
                                    "s3",
                                    List.of(
                                            new Policies.Statement(
                                                    "OnlyTheVault",
                                                    "Allow",
                                                    // Restores and verification read dumps by version id
                                                    // (s3:GetObjectVersion, as their roles' grantRead allows).
                                                    List.of(
                                                            "s3:GetObject",
                                                            "s3:GetObjectVersion",
                                                            "s3:ListBucket",
                                                            "s3:PutObject"),
                                                    List.of(vault.getBucketArn(), vault.arnForObjects("*")),
                                                    Map.of(),
                                                    List.of("*")),
                                            new Policies.Statement(
                                                    "TheDeployedConfiguration",
                                                    "Allow",
                                                    List.of("s3:GetObject"),
                                                    List.of(configDocument.objectArn()),
                                                    Map.of(),
                                                    List.of("*"))),
                                    "secretsmanager",
                                    List.of(
                                            new Policies.Statement(
                                                    "OnlyTheVerificationSecrets",
                                                    "Allow",
                                                    List.of(
                                                            "secretsmanager:CreateSecret",
                                                            "secretsmanager:PutSecretValue",
                                                            "secretsmanager:DeleteSecret",
                                                            "secretsmanager:TagResource",
                                                            "secretsmanager:GetSecretValue"),
                                                    List.of("arn:aws:secretsmanager:" + backup.region() + ":"
                                                            + backup.account() + ":secret:lifeboat/verification/*"),
                                                    Map.of(),
                                                    List.of("*")),
                                            // The restore function's targets' logins and the passwords it keeps
                                            // (Policies.restoreRole), in this Region: an endpoint serves its own.
                                            new Policies.Statement(
                                                    "TheRestoresSecrets",
                                                    "Allow",
                                                    List.of(
                                                            "secretsmanager:GetSecretValue",
                                                            "secretsmanager:CreateSecret",
                                                            "secretsmanager:PutSecretValue"),
                                                    BackupAccountStack.restoreAccounts(config, backup.account())
                                                            .stream()
                                                            .map(a -> "arn:aws:secretsmanager:" + backup.region() + ":"
                                                                    + a + ":secret:" + Policies.RESTORE_SECRETS + "*")
                                                            .toList(),
                                                    Map.of(),
                                                    List.of("*"))))));
        }
    }
}
