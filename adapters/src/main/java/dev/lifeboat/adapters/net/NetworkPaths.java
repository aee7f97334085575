package dev.lifeboat.adapters.net;

import dev.lifeboat.core.error.AwsCallFailedException;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * A call to an AWS API that got no answer (refused, timed out after {@link AwsClients#CONNECT_TIMEOUT}, a name
 * that does not resolve): from a function inside a VPC, that is almost always a missing route, and the message
 * says so, with the function, its subnets and the service, instead of surfacing as a Lambda timeout minutes
 * later (docs/deploy.md, "Egress").
 */
public final class NetworkPaths {
    private NetworkPaths() {}

    /**
     * The failure of {@code call} to {@code service} that got no answer; {@code network} is the function and its
     * network when it runs in a VPC.
     */
    public static AwsCallFailedException noAnswer(
            String service, String call, Optional<String> network, SdkClientException e) {
        if (network.isPresent()) {
            return new AwsCallFailedException(
                    "no network path from " + network.get() + " to " + service + " (" + call + " got no answer: "
                            + e.getMessage() + ")",
                    "",
                    "add an endpoint for " + service + " or a NAT route to the function's subnets (docs/deploy.md,"
                            + " Egress), or check its security groups allow HTTPS out",
                    e);
        }
        return new AwsCallFailedException(
                service + " " + call + " got no answer: " + e.getMessage(),
                "",
                "check the network path from here to the " + service + " endpoint (a NAT gateway or a VPC endpoint;"
                        + " docs/deploy.md, Egress) and that AWS credentials are available",
                e);
    }

    /**
     * Whether {@code e} (or a cause) is the network's failure (refused, unresolved, timed out), not the credentials':
     * the fix is a route, not {@code aws configure}.
     */
    public static boolean isNetworkFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException
                    || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.http.HttpTimeoutException
                    || t instanceof java.net.NoRouteToHostException
                    || t instanceof software.amazon.awssdk.core.exception.ApiCallTimeoutException
                    || t instanceof software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
