package dev.lifeboat.config;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.stream.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * lifeboat.yml as a function was deployed with it (issue 16). The CDK app publishes the validated document as an
 * object of the stack's assets and gives each function only its location and SHA-256 ({@link #LOCATION_VARIABLE},
 * {@link #SHA256_VARIABLE}), so the configuration no longer has to fit Lambda's 4 KB of environment. A document
 * whose hash is not the deployed one is refused, naming both hashes: the object was changed outside {@code cdk
 * deploy}. Without a location, the document comes as {@link ConfigLoader#fromEnvironment} reads it
 * (LIFEBOAT_CONFIG_FILE or LIFEBOAT_CONFIG_YAML: tests, local runs).
 */
public final class DeployedConfig {
    /** {@code s3://BUCKET/KEY} of the published document. */
    public static final String LOCATION_VARIABLE = "LIFEBOAT_CONFIG_S3";
    /** The SHA-256 (lower-case hex) of the document the function was deployed with. */
    public static final String SHA256_VARIABLE = "LIFEBOAT_CONFIG_SHA256";

    private DeployedConfig() {}

    /**
     * The configuration of {@code env}; {@code fetch} reads (bucket, key) from S3 (the adapters' AwsClients, in a
     * function), and may throw: the failure is reported as the document being unreadable.
     */
    public static LifeboatConfig load(Map<String, String> env, BiFunction<String, String, byte[]> fetch) {
        String location = env.get(LOCATION_VARIABLE);
        if (location == null || location.isBlank()) {
            return ConfigLoader.fromEnvironment(env);
        }
        String expected = env.get(SHA256_VARIABLE);
        if (expected == null || !expected.matches("[0-9a-f]{64}")) {
            throw new InvalidInputException(
                    SHA256_VARIABLE + " is " + (expected == null ? "not set" : "'" + expected + "'")
                            + ": without the hash it was deployed with, the function cannot tell its lifeboat.yml"
                            + " from a changed one",
                    "deploy the function with the CDK app, which sets both " + LOCATION_VARIABLE + " and "
                            + SHA256_VARIABLE);
        }
        if (!location.startsWith("s3://") || location.indexOf('/', 5) < 0) {
            throw new InvalidInputException(
                    LOCATION_VARIABLE + " '" + location + "' is not s3://BUCKET/KEY",
                    "deploy the function with the CDK app");
        }
        String bucket = location.substring(5, location.indexOf('/', 5));
        String key = location.substring(location.indexOf('/', 5) + 1);
        byte[] document;
        try {
            document = fetch.apply(bucket, key);
        } catch (RuntimeException e) {
            throw new InvalidInputException(
                    "cannot read lifeboat.yml from " + location + ": " + e.getMessage(),
                    "check that the stack's assets are still there and the function's role may read them; deploy"
                            + " again with cdk deploy");
        }
        String actual = Sha256.hex(document);
        if (!actual.equals(expected)) {
            throw new InvalidInputException(
                    "lifeboat.yml at " + location + " has SHA-256 " + actual + ", but this function was deployed with "
                            + expected + ": the object was changed outside cdk deploy, and the function refuses to"
                            + " run on it",
                    "find out who changed it (CloudTrail, s3:PutObject on that bucket), then deploy again with cdk"
                            + " deploy");
        }
        return ConfigLoader.parse(new String(document, StandardCharsets.UTF_8), location);
    }
}
