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

    /** Clients of {@code region} with {@code endpoint} as their endpoint (moto, or a front before it). */
    public static AwsClients clients(String endpoint, String region) {
        return new AwsClients(Optional.of(URI.create(endpoint)), Optional.of(Region.of(region)));
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
        return newBucketIn(REGION, s3, objectLock);
    }

    /**
     * A new versioned bucket in {@code region} (with Object Lock when asked), created by a client of that Region as
     * S3 requires: a vault in another Region than the code that writes into it.
     */
    public String newBucketIn(String region, boolean objectLock) {
        return newBucketIn(Region.of(region), clients(endpoint, region).s3(), objectLock);
    }

    private static String newBucketIn(Region region, S3Client s3, boolean objectLock) {
        String name = "lifeboat-test-" + UUID.randomUUID().toString().substring(0, 12);
        s3.createBucket(b -> b.bucket(name)
                .objectLockEnabledForBucket(objectLock)
                .createBucketConfiguration(c -> c.locationConstraint(region.id())));
        s3.putBucketVersioning(
                b -> b.bucket(name).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        return name;
    }

    /** A KMS key in moto, for SSE-KMS. */
    public String newKmsKey() {
        return newKmsKey(REGION.id());
    }

    /** A KMS key in moto in {@code region} (a vault's key is in the vault's Region). */
    public String newKmsKey(String region) {
        try (var kms = KmsClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.of(region))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            return kms.createKey(b -> b.description("lifeboat test vault key"))
                    .keyMetadata()
                    .arn();
        }
    }
}
