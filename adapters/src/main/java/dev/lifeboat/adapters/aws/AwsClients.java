package dev.lifeboat.adapters.aws;

import dev.lifeboat.adapters.Vaults;
import dev.lifeboat.adapters.net.NetworkPaths;
import dev.lifeboat.adapters.secrets.SecretsManagerSource;
import dev.lifeboat.adapters.secrets.SecretsManagerStore;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.AccountSpaces;
import dev.lifeboat.core.port.SecretSource;
import dev.lifeboat.core.port.SecretStore;
import dev.lifeboat.core.port.Vault;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The one place that builds AWS SDK clients, each once per process and closed with this object:
 * the URL-connection HTTP client for the small API calls (small and quick to start in Lambda), Apache
 * for S3's data path, adaptive retries (a throttled call waits, it does not fail), connect and call
 * timeouts on every client, and an optional endpoint override ({@code AWS_ENDPOINT_URL}, as the AWS CLI
 * reads it) for tests against moto, with the path-style S3 addressing a local endpoint needs.
 *
 * <p>Entry points (handlers, commands) get ports from here ({@link #secretSource()}, {@link #vault}),
 * never SDK clients: only this module touches the SDK.
 */
public final class AwsClients implements AutoCloseable {
    /** How long a TCP connect to an AWS endpoint may take before the call fails. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** One attempt of a control-plane call (RDS, STS, Secrets Manager). */
    static final Duration API_ATTEMPT_TIMEOUT = Duration.ofSeconds(30);
    /** One control-plane call, with its retries. */
    static final Duration API_CALL_TIMEOUT = Duration.ofMinutes(2);

    private final Optional<URI> endpoint;
    private final Optional<Region> region;
    /** Where this process runs, for "no network path" messages: empty outside a VPC function. */
    private final Optional<String> network;

    private S3Client s3;
    /** The vault's S3 clients, one per Region a vault was opened in (lifeboat.yml's backup.region). */
    private final Map<Region, S3Client> s3ByRegion = new java.util.HashMap<>();
    /** For a vault given only as s3://BUCKET/PREFIX, whose Region nothing tells. */
    private S3Client s3AnyRegion;

    private SecretsManagerClient secretsManager;
    private final Map<Region, SecretsManagerClient> secretsManagerByRegion = new java.util.HashMap<>();
    private SdkHttpClient apiHttp;

    public AwsClients(Optional<URI> endpoint, Optional<Region> region) {
        this(endpoint, region, Optional.empty());
    }

    /**
     * @param network the function and its network ({@code LIFEBOAT_NETWORK}, set by the CDK app on functions inside
     *     a VPC), named in the message of a call that gets no answer
     */
    public AwsClients(Optional<URI> endpoint, Optional<Region> region, Optional<String> network) {
        this.endpoint = endpoint;
        this.region = region;
        this.network = network;
    }

    public static AwsClients fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    public static AwsClients fromEnvironment(Map<String, String> env) {
        String region = env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
        String net = env.get("LIFEBOAT_NETWORK");
        return new AwsClients(
                endpoint(env),
                region == null || region.isBlank() ? Optional.empty() : Optional.of(Region.of(region)),
                net == null || net.isBlank()
                        ? Optional.empty()
                        : Optional.of(env.getOrDefault("AWS_LAMBDA_FUNCTION_NAME", "this function") + " in " + net));
    }

    /** The endpoint override (AWS_ENDPOINT_URL), if any. */
    public Optional<URI> endpoint() {
        return endpoint;
    }

    /** The function and its network, when it runs in a VPC (see {@link NetworkPaths}). */
    public Optional<String> network() {
        return network;
    }

    /** The endpoint override of {@code AWS_ENDPOINT_URL} in {@code env}, if set. */
    public static Optional<URI> endpoint(Map<String, String> env) {
        String url = env.get("AWS_ENDPOINT_URL");
        return url == null || url.isBlank() ? Optional.empty() : Optional.of(URI.create(url));
    }

    private static ClientOverrideConfiguration apiOverrides() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.ADAPTIVE_V2)
                .apiCallAttemptTimeout(API_ATTEMPT_TIMEOUT)
                .apiCallTimeout(API_CALL_TIMEOUT)
                .build();
    }

    /** The HTTP client all control-plane clients share. */
    private synchronized SdkHttpClient apiHttp() {
        if (apiHttp == null) {
            apiHttp = UrlConnectionHttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .socketTimeout(Duration.ofMinutes(1))
                    .build();
        }
        return apiHttp;
    }

    /**
     * S3 in this process's Region ({@code AWS_REGION}): the deployed lifeboat.yml, which the CDK app publishes in the
     * stack's own Region. A vault is reached through {@link #s3In} or {@link #s3AnyRegion} instead: it lives in
     * backup.region, which is not the dump function's Region for a database of another Region.
     */
    public synchronized S3Client s3() {
        if (s3 == null) {
            s3 = buildS3(region, false);
        }
        return s3;
    }

    /**
     * S3 in {@code region}, where a bucket of that Region answers. A client of another Region gets 301
     * PermanentRedirect for every request to the bucket, and the SDK does not follow it unless cross-Region access
     * is enabled (https://docs.aws.amazon.com/sdk-for-java/latest/developer-guide/s3-cross-region.html: "By default,
     * access is not enabled").
     */
    public synchronized S3Client s3In(String region) {
        return s3ByRegion.computeIfAbsent(Region.of(region), r -> buildS3(Optional.of(r), false));
    }

    /**
     * S3 for a bucket whose Region is not known (the command line's {@code --vault s3://...} without lifeboat.yml):
     * cross-Region access on, so the first request to a bucket of another Region is sent again to the Region S3
     * names in its 301 answer ({@code x-amz-bucket-region}), and the SDK remembers it for the bucket
     * (https://docs.aws.amazon.com/sdk-for-java/latest/developer-guide/s3-cross-region.html).
     */
    public synchronized S3Client s3AnyRegion() {
        if (s3AnyRegion == null) {
            s3AnyRegion = buildS3(region, true);
        }
        return s3AnyRegion;
    }

    /**
     * S3 uses the Apache (HttpClient 5) HTTP client: {@code HttpURLConnection} copies a request body of
     * known length into memory before sending it, which for 16 MiB parts cost memory and time
     * (docs/performance.md). The SDK deprecated its HttpClient 4 client for this one.
     * A part upload may take minutes on a slow link, so S3 gets no overall call timeout, only a
     * per-attempt one.
     */
    private S3Client buildS3(Optional<Region> in, boolean crossRegion) {
        var b = S3Client.builder()
                .httpClientBuilder(Apache5HttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(Duration.ofMinutes(2))
                        .maxConnections(16))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(RetryMode.ADAPTIVE_V2)
                        .apiCallAttemptTimeout(Duration.ofMinutes(5))
                        .build())
                .crossRegionAccessEnabled(crossRegion);
        endpoint.ifPresent(e -> b.endpointOverride(e).forcePathStyle(true));
        in.ifPresent(b::region);
        return b.build();
    }

    /** The bytes of an S3 object, with the process's credentials (the deployed lifeboat.yml, for one). */
    public byte[] objectBytes(String bucket, String key) {
        return s3().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    public synchronized SecretsManagerClient secretsManager() {
        if (secretsManager == null) {
            var b = SecretsManagerClient.builder().httpClient(apiHttp()).overrideConfiguration(apiOverrides());
            endpoint.ifPresent(b::endpointOverride);
            region.ifPresent(b::region);
            secretsManager = b.build();
        }
        return secretsManager;
    }

    /**
     * Every API client of Lifeboat is built one way: the shared HTTP client and overrides (timeouts, retries), the
     * Region, the credentials when they are another account's (else the process's), and the endpoint override of
     * tests and VPC endpoints.
     */
    private <
                    B extends
                            software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
                                    & software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<B, C>,
                    C>
            C api(B builder, Region in, AwsCredentialsProvider credentials) {
        builder.httpClient(apiHttp()).overrideConfiguration(apiOverrides()).region(in);
        if (credentials != null) {
            builder.credentialsProvider(credentials);
        }
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** An STS client in {@code region}, for assuming roles; the caller closes it. */
    public StsClient sts(String region) {
        return api(StsClient.builder(), Region.of(region), null);
    }

    /** A KMS client in one account's Region with those credentials; the caller closes it. */
    public KmsClient kms(String region, AwsCredentialsProvider credentials) {
        return api(KmsClient.builder(), Region.of(region), credentials);
    }

    /** An EventBridge client in one account's Region with those credentials; the caller closes it. */
    public EventBridgeClient events(String region, AwsCredentialsProvider credentials) {
        return api(EventBridgeClient.builder(), Region.of(region), credentials);
    }

    /** A Step Functions client in the backup account's {@code region}, process credentials; the caller closes it. */
    public SfnClient sfn(String region) {
        return api(SfnClient.builder(), Region.of(region), null);
    }

    /** How a task started with a task token reports to the state machine in {@code region} (issue 13). */
    public dev.lifeboat.core.port.TaskCallbacks taskCallbacks(String region) {
        return new AwsTaskCallbacks(sfn(region), region);
    }

    /** An SNS client in the backup account's {@code region}, with the process's credentials; the caller closes it. */
    public SnsClient sns(String region) {
        return api(SnsClient.builder(), Region.of(region), null);
    }

    /** An EC2 client in one account's Region with those credentials; the caller closes it. */
    public Ec2Client ec2(String region, AwsCredentialsProvider credentials) {
        return api(Ec2Client.builder(), Region.of(region), credentials);
    }

    /** An IAM client (a global service) with those credentials; the caller closes it. */
    public IamClient iam(AwsCredentialsProvider credentials) {
        return api(IamClient.builder(), Region.AWS_GLOBAL, credentials);
    }

    /** An RDS client in one account's Region with those credentials; the caller closes it. */
    public RdsClient rds(String region, AwsCredentialsProvider credentials) {
        return api(RdsClient.builder(), Region.of(region), credentials);
    }

    /** Database logins from Secrets Manager, each secret named by ARN read in its own Region. */
    public SecretSource secretSource() {
        return new SecretsManagerSource(secretsManager(), network, this::secretsManagerIn);
    }

    /** Secrets Manager in {@code region}: this process's client when it is this process's Region. */
    public synchronized SecretsManagerClient secretsManagerIn(String in) {
        if (region.map(r -> r.id().equals(in)).orElse(false)) {
            return secretsManager();
        }
        return secretsManagerByRegion.computeIfAbsent(Region.of(in), r -> api(SecretsManagerClient.builder(), r, null));
    }

    /** Where verification runs keep the throwaway instance's login. */
    public SecretStore secretStore() {
        return new SecretsManagerStore(secretsManager());
    }

    /**
     * A vault from its URI alone ({@code file:DIR} or {@code s3://BUCKET/PREFIX}): a bucket of any Region, found from
     * S3's answer ({@link #s3AnyRegion}).
     */
    public Vault vault(String uri, Vaults.S3SettingsFactory settings, Clock clock) {
        return Vaults.open(uri, this::s3AnyRegion, settings, clock);
    }

    /** The vault of lifeboat.yml ({@code backup.vault}), whose bucket is in {@code region} ({@code backup.region}). */
    public Vault vault(String uri, String region, Vaults.S3SettingsFactory settings, Clock clock) {
        return Vaults.open(uri, () -> s3In(region), settings, clock);
    }

    /**
     * The vault of lifeboat.yml ({@code backup.vault}) with the default S3 settings, each database's dumps read from
     * its source account's space ({@link AccountSpaces}); null when it is not set.
     */
    public Vault configuredVault(LifeboatConfig config, Clock clock) {
        Vault vault =
                Vaults.configured(config.backup(), () -> s3In(config.backup().region()), clock);
        return vault == null ? null : AccountSpaces.of(vault, config.dumpOwners());
    }

    @Override
    public synchronized void close() {
        if (s3 != null) {
            s3.close();
        }
        s3ByRegion.values().forEach(S3Client::close);
        if (s3AnyRegion != null) {
            s3AnyRegion.close();
        }
        if (secretsManager != null) {
            secretsManager.close();
        }
        secretsManagerByRegion.values().forEach(SecretsManagerClient::close);
        if (apiHttp != null) {
            apiHttp.close();
        }
    }
}
