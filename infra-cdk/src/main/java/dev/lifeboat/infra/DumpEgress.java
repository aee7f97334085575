package dev.lifeboat.infra;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.protocol.Policies;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;

/**
 * How a source account's dumps reach Secrets Manager and the vault from their subnets (VpcEgress): through the NAT
 * gateway, or through endpoints whose policies admit the vault, the deployed configuration and the databases' secrets
 * only. Made in the source stack's own scope, so its resources keep their logical ids.
 */
final class DumpEgress {
    private DumpEgress() {}

    static void create(
            Stack stack,
            LifeboatConfig config,
            String region,
            List<LifeboatConfig.Database> dumped,
            DumpNetwork network,
            ConfigDocuments.Published own) {
        LifeboatConfig.DumpSettings first = dumped.getFirst().dump();
        LifeboatConfig.Egress egress = first.egress();
        if (egress != null
                && egress.mode() == LifeboatConfig.Egress.Kind.ENDPOINTS
                && !egress.existing().containsKey("s3")
                && !region.equals(config.backup().region())) {
            throw new IllegalArgumentException("databases." + dumped.getFirst().id() + ".dump.egress: endpoints cannot"
                    + " reach the vault: it is in " + config.backup().region() + " and the dump function in " + region
                    + ", and an S3 endpoint serves only buckets of its own Region"
                    + " (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html). Use egress: nat");
        }
        String bucket = VaultUri.bucket(config.backup().vault());
        List<String> secretArns = dumped.stream().map(d -> d.dump().secretArn()).toList();
        VpcEgress.create(
                stack,
                "Dump",
                egress,
                region,
                first.vpcId(),
                network.subnetIds(),
                network.groupIds(),
                new VpcEgress.Need(
                        List.of("s3", "secretsmanager"),
                        Map.of(
                                "s3",
                                List.of(
                                        new Policies.Statement(
                                                "OnlyTheVault",
                                                "Allow",
                                                List.of(
                                                        "s3:PutObject",
                                                        "s3:AbortMultipartUpload",
                                                        "s3:GetObject",
                                                        "s3:GetObjectVersion",
                                                        "s3:ListBucket",
                                                        "s3:GetBucketObjectLockConfiguration"),
                                                List.of("arn:aws:s3:::" + bucket, "arn:aws:s3:::" + bucket + "/*"),
                                                Map.of(),
                                                List.of("*")),
                                        new Policies.Statement(
                                                "TheDeployedConfiguration",
                                                "Allow",
                                                List.of("s3:GetObject"),
                                                List.of(own.objectArn()),
                                                Map.of(),
                                                List.of("*"))),
                                "secretsmanager",
                                List.of(new Policies.Statement(
                                        "OnlyTheDatabaseSecrets",
                                        "Allow",
                                        List.of("secretsmanager:GetSecretValue"),
                                        secretArns,
                                        Map.of(),
                                        List.of("*"))))));
    }
}
