package dev.lifeboat.adapters.aws;

import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Who the AWS credentials of this machine are (STS GetCallerIdentity), asked once with a short timeout and no
 * retries: {@code lifeboat doctor} must answer on a machine without a network too, and say so.
 */
public final class CallerIdentity {
    /** The account and principal the credentials resolve to, in {@code region}. */
    public record Identity(String account, String arn, String region) {}

    private CallerIdentity() {}

    /** Asks STS once; throws, naming why, when there are no credentials, no answer within the timeout, or a refusal. */
    public static Identity of(AwsClients aws, String region, Duration timeout) {
        var b = StsClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(timeout)
                        .socketTimeout(timeout)
                        .build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(timeout)
                        .apiCallAttemptTimeout(timeout)
                        .build())
                .region(Region.of(region));
        aws.endpoint().ifPresent(b::endpointOverride);
        try (StsClient sts = b.build()) {
            GetCallerIdentityResponse r = sts.getCallerIdentity(x -> {});
            return new Identity(r.account(), r.arn(), region);
        }
    }

    /** The Region the SDK would use: AWS_REGION, AWS_DEFAULT_REGION, else empty. */
    public static Optional<String> region(java.util.Map<String, String> env) {
        String r = env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION"));
        return r == null || r.isBlank() ? Optional.empty() : Optional.of(r);
    }
}
