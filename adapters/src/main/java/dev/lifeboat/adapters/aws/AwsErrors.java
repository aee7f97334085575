package dev.lifeboat.adapters.aws;

import dev.lifeboat.adapters.net.NetworkPaths;
import dev.lifeboat.core.error.AwsCallFailedException;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns what the AWS SDK throws into {@link AwsCallFailedException}: the service, the call, where it
 * went, AWS's error code and message, and what to check. The SDK's own messages carry request ids and
 * resource names, never credentials or data.
 */
public final class AwsErrors {
    private AwsErrors() {}

    /**
     * The Lifeboat exception for what the SDK threw; anything else comes back unchanged.
     *
     * @param service "RDS", "S3", ...
     * @param call the operation, as Lifeboat names it
     * @param where the account and Region, or the bucket
     */
    public static RuntimeException translate(String service, String call, String where, SdkException e) {
        return translate(service, call, where, Optional.empty(), e);
    }

    /** As {@link #translate(String, String, String, SdkException)}, naming the function's network when no answer came. */
    public static RuntimeException translate(
            String service, String call, String where, Optional<String> network, SdkException e) {
        if (e instanceof AwsServiceException ase) {
            String code =
                    ase.awsErrorDetails() == null ? "" : ase.awsErrorDetails().errorCode();
            String text = ase.awsErrorDetails() == null
                    ? ase.getMessage()
                    : ase.awsErrorDetails().errorMessage();
            return new AwsCallFailedException(
                    service + " " + call + " in " + where + " failed: " + code + " (HTTP " + ase.statusCode() + "): "
                            + text,
                    code,
                    hint(service, code, ase.statusCode()),
                    e);
        }
        if (e instanceof SdkClientException client) {
            return NetworkPaths.noAnswer(service, call + " in " + where, network, client);
        }
        return e;
    }

    static String hint(String service, String code, int status) {
        String c = code == null ? "" : code.toLowerCase(Locale.ROOT);
        if (c.contains("kms")) {
            return "the KMS key's policy and the calling role's IAM policy must both let this account use the key"
                    + " (KMS developer guide: key policies; allowing users in other accounts to use a KMS key)";
        }
        if (c.contains("accessdenied") || c.contains("unauthorized") || c.contains("notauthorized") || status == 403) {
            return "the role Lifeboat uses there lacks a permission for this call: compare its IAM policy with"
                    + " docs/security.md, and for an assumed role check its trust policy and external id";
        }
        if (c.contains("throttl") || c.contains("toomanyrequests") || status == 429) {
            return service + " kept throttling after the SDK's retries: run again later";
        }
        if (c.contains("invalid") && c.contains("state")) {
            return "the resource is busy (not available yet, or being modified): wait for it, then run again";
        }
        if (c.contains("quota") || c.contains("limitexceeded")) {
            return "an account quota is reached: raise it in Service Quotas, or free room, then run again";
        }
        return "AWS's message above says what it refused; fix that and run again";
    }
}
