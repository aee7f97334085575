package dev.lifeboat.core.error;

/**
 * A call to an AWS API failed after the SDK's retries: refused (permissions, a key, a state), or not
 * answered (no network path). The message names the service, the call, where it went and AWS's own
 * error code; the hint says what to check. Adapters translate SDK exceptions into this one, so nothing
 * reaches an operator as an internal error with a stack trace.
 */
public final class AwsCallFailedException extends LifeboatException {
    @Override
    public Outcome outcome() {
        return Outcome.FAILED;
    }

    private final String errorCode;

    public AwsCallFailedException(String message, String errorCode, String hint, Throwable cause) {
        super(message, hint, cause);
        this.errorCode = errorCode;
    }

    /** AWS's error code ({@code AccessDenied}, {@code KMSKeyNotAccessibleFault}, ...), or empty when no answer came. */
    public String errorCode() {
        return errorCode == null ? "" : errorCode;
    }
}
