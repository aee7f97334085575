package dev.lifeboat.core.port;

import dev.lifeboat.core.model.Location;
import java.util.List;
import java.util.Map;

/**
 * What {@code lifeboat preflight} asks AWS without changing anything: whether Lifeboat reaches an account (the
 * role it assumes there), whether the caller of an account may see a KMS key, and what IAM's policy simulation
 * says of a role Lifeboat owns for one action (RDS offers no dry run).
 */
public interface AccessChecks extends AutoCloseable {
    /** IAM's answer for one simulated action. */
    enum Decision {
        ALLOWED,
        IMPLICIT_DENY,
        EXPLICIT_DENY,
        /** The simulation itself failed (no permission to simulate, the role does not exist): the detail says why. */
        NOT_CHECKED
    }

    record Answer(Decision decision, String detail) {
        public boolean allowed() {
            return decision == Decision.ALLOWED;
        }
    }

    /** Null when Lifeboat reaches {@code account} (assumes its role there, for a source account), else why not. */
    String reach(String account);

    /** Null when the caller of {@code where}'s account may describe {@code keyArn} (kms:DescribeKey), else why not. */
    String describeKey(Location where, String keyArn);

    /**
     * IAM's policy simulation of {@code roleArn} (a role of the backup account) for {@code action} on {@code
     * resourceArn}, with the request's condition keys ({@code context}).
     */
    Answer simulate(String roleArn, String action, String resourceArn, Map<String, List<String>> context);

    @Override
    default void close() {}
}
