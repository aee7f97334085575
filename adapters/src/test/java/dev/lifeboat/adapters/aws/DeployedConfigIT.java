package dev.lifeboat.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.config.DeployedConfig;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.stream.Sha256;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 16: the configuration round trip. The document is published to S3 as the CDK app publishes it, read at
 * function start through the location and hash in the environment, and refused, naming both hashes, once the
 * object is changed behind the deployment's back.
 */
@ExtendWith(RealParts.class)
class DeployedConfigIT {
    private static final String DOCUMENT = """
            {"backup": {"account": "222222222222", "region": "eu-central-1",
                        "kmsKeyArn": "arn:aws:kms:eu-central-1:222222222222:key/backup"},
             "databases": {"orders": {"engine": "postgres", "retention": {"daily": 7},
                           "source": {"account": "111111111111", "region": "eu-west-1", "instance": "orders-prod",
                                      "roleArn": "arn:aws:iam::111111111111:role/lifeboat-source",
                                      "externalId": "lifeboat-orders"}}}}
            """;

    @Test
    void published_readAtStart_andRefusedOnceChangedBehindTheDeployment(MotoServer moto) {
        S3Client s3 = moto.s3();
        String bucket = moto.newUnversionedBucket(s3);
        byte[] bytes = DOCUMENT.getBytes(StandardCharsets.UTF_8);
        s3.putObject(b -> b.bucket(bucket).key("abc.json"), RequestBody.fromBytes(bytes));
        Map<String, String> env = Map.of(
                DeployedConfig.LOCATION_VARIABLE,
                "s3://" + bucket + "/abc.json",
                DeployedConfig.SHA256_VARIABLE,
                Sha256.hex(bytes));

        LifeboatConfig read = DeployedConfig.load(env, moto.clients()::objectBytes);
        assertThat(read.databases().keySet()).containsExactly("orders");
        assertThat(read.database("orders").source().identifier()).isEqualTo("orders-prod");

        // Production (or anyone with write access to the object) adds a database of its own.
        byte[] forged = DOCUMENT.replace("orders-prod", "decoy").getBytes(StandardCharsets.UTF_8);
        s3.putObject(b -> b.bucket(bucket).key("abc.json"), RequestBody.fromBytes(forged));
        assertThatThrownBy(() -> DeployedConfig.load(env, moto.clients()::objectBytes))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("has SHA-256 " + Sha256.hex(forged))
                .hasMessageContaining("deployed with " + Sha256.hex(bytes))
                .hasMessageContaining("changed outside cdk deploy");

        s3.deleteObject(b -> b.bucket(bucket).key("abc.json"));
        assertThatThrownBy(() -> DeployedConfig.load(env, moto.clients()::objectBytes))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cannot read lifeboat.yml from s3://" + bucket + "/abc.json");
    }

    @Test
    void aLocationWithoutItsHash_orNotInS3_isRefused_andWithoutALocationTheEnvironmentsDocumentIsRead() {
        assertThatThrownBy(() -> DeployedConfig.load(
                        Map.of(DeployedConfig.LOCATION_VARIABLE, "s3://b/k.json"), (b, k) -> new byte[0]))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(DeployedConfig.SHA256_VARIABLE + " is not set");
        assertThatThrownBy(() -> DeployedConfig.load(
                        Map.of(
                                DeployedConfig.LOCATION_VARIABLE,
                                "/tmp/k.json",
                                DeployedConfig.SHA256_VARIABLE,
                                "0".repeat(64)),
                        (b, k) -> new byte[0]))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is not s3://BUCKET/KEY");
        assertThat(DeployedConfig.load(Map.of("LIFEBOAT_CONFIG_YAML", DOCUMENT), (b, k) -> {
                            throw new AssertionError("no S3 read without a location");
                        })
                        .databases())
                .containsOnlyKeys("orders");
    }
}
