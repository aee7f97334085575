package dev.lifeboat.core.adapter.aws;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the SDK clients Lifeboat uses, once per process: the URL-connection HTTP client (small and
 * quick to start in Lambda), adaptive retries (a throttled call waits, it does not fail), and an
 * optional endpoint override ({@code AWS_ENDPOINT_URL}, as the AWS CLI reads it) for tests against
 * moto, with path-style S3 addressing that a local endpoint needs.
 */
public final class AwsClients {
    private final Optional<URI> endpoint;
    private final Optional<Region> region;

    public AwsClients(Optional<URI> endpoint, Optional<Region> region) {
        this.endpoint = endpoint;
        this.region = region;
    }

    public static AwsClients fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    public static AwsClients fromEnvironment(Map<String, String> env) {
        String region = env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
        return new AwsClients(endpoint(env),
                region == null || region.isBlank() ? Optional.empty() : Optional.of(Region.of(region)));
    }

    /** The endpoint override of {@code AWS_ENDPOINT_URL} in {@code env}, if set. */
    public static Optional<URI> endpoint(Map<String, String> env) {
        String url = env.get("AWS_ENDPOINT_URL");
        return url == null || url.isBlank() ? Optional.empty() : Optional.of(URI.create(url));
    }

    private static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.ADAPTIVE_V2)
                .apiCallAttemptTimeout(Duration.ofMinutes(5))
                .build();
    }

    /**
     * S3 uses the Apache HTTP client: {@code HttpURLConnection} copies a request body of known length
     * into memory before sending it, which for 16 MiB parts cost memory and time (docs/performance.md).
     */
    public S3Client s3() {
        var b = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .socketTimeout(Duration.ofMinutes(2))
                        .maxConnections(16))
                .overrideConfiguration(overrides());
        endpoint.ifPresent(e -> b.endpointOverride(e).forcePathStyle(true));
        region.ifPresent(b::region);
        return b.build();
    }

    public SecretsManagerClient secretsManager() {
        var b = SecretsManagerClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(overrides());
        endpoint.ifPresent(b::endpointOverride);
        region.ifPresent(b::region);
        return b.build();
    }
}
