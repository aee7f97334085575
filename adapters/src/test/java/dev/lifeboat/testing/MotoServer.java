package dev.lifeboat.testing;

import dev.lifeboat.adapters.aws.AwsClients;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** moto in server mode: the real wire protocols of S3, KMS, Secrets Manager and more, on loopback. */
public record MotoServer(String endpoint) {
    public static final Region REGION = Region.EU_WEST_1;

    static {
        // moto accepts any credentials; these keep the SDK's default chain from looking elsewhere.
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
    }

    public AwsClients clients() {
        return new AwsClients(Optional.of(URI.create(endpoint)), Optional.of(REGION));
    }

    public S3Client s3() {
        return clients().s3();
    }

    public SecretsManagerClient secretsManager() {
        return clients().secretsManager();
    }

    /** A new bucket without versioning (and so without Object Lock): a later write to a key replaces it. */
    public String newUnversionedBucket(S3Client s3) {
        String name = "lifeboat-test-" + UUID.randomUUID().toString().substring(0, 12);
        s3.createBucket(b -> b.bucket(name).createBucketConfiguration(c -> c.locationConstraint(REGION.id())));
        return name;
    }

    /** A new versioned bucket, with Object Lock when asked (which S3 only allows at creation). */
    public String newBucket(S3Client s3, boolean objectLock) {
        String name = "lifeboat-test-" + UUID.randomUUID().toString().substring(0, 12);
        s3.createBucket(b -> b.bucket(name)
                .objectLockEnabledForBucket(objectLock)
                .createBucketConfiguration(c -> c.locationConstraint(REGION.id())));
        s3.putBucketVersioning(
                b -> b.bucket(name).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        return name;
    }

    /** A KMS key in moto, for SSE-KMS. */
    public String newKmsKey() {
        try (var kms = KmsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(REGION)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            return kms.createKey(b -> b.description("lifeboat test vault key"))
                    .keyMetadata()
                    .arn();
        }
    }
}
