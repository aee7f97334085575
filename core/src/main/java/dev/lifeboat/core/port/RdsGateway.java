package dev.lifeboat.core.port;

import dev.lifeboat.core.error.LifeboatException;
import java.util.List;
import java.util.Map;

/**
 * RDS as Lifeboat uses it: {@link RdsSnapshots} and {@link RdsDatabases}, and the values and failures
 * they share. Use cases that only need one side take that side. Closing it releases the clients.
 */
public interface RdsGateway extends RdsSnapshots, RdsDatabases, AutoCloseable {
    /** Releases what the gateway holds (clients, credential refreshers); nothing by default. */
    @Override
    default void close() {}
    /**
     * A database as RDS describes it.
     *
     * @param resourceId RDS's DbiResourceId (instance) or DbClusterResourceId (cluster): the database itself, which
     *     a name is not (a database deleted and made again under its name has another); null when RDS gave none
     */
    record SourceDatabase(
            String identifier,
            String engine,
            String engineVersion,
            boolean encrypted,
            String kmsKeyId,
            String optionGroup,
            String status,
            String endpoint,
            Map<String, String> tags,
            String resourceId) {
        public SourceDatabase {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }

        /** A database whose resource id is not known (a test's fixture, a restore's answer). */
        public SourceDatabase(
                String identifier,
                String engine,
                String engineVersion,
                boolean encrypted,
                String kmsKeyId,
                String optionGroup,
                String status,
                String endpoint,
                Map<String, String> tags) {
            this(identifier, engine, engineVersion, encrypted, kmsKeyId, optionGroup, status, endpoint, tags, null);
        }

        public boolean available() {
            return "available".equals(status);
        }
    }

    /** Every value a restore uses, so a plan can show them all (RDS would otherwise pick defaults). */
    record RestoreSpec(
            String snapshotId,
            String newIdentifier,
            String engine,
            String instanceClass,
            String subnetGroup,
            List<String> securityGroups,
            String parameterGroup,
            String optionGroup,
            boolean multiAz,
            boolean deletionProtection,
            Map<String, String> tags,
            Shaped shaped) {
        public RestoreSpec {
            securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
            tags = tags == null ? Map.of() : Map.copyOf(tags);
            shaped = shaped == null ? Shaped.RDS_DEFAULTS : shaped;
        }

        /** The same restore into other security groups (those a restore just created). */
        public RestoreSpec withSecurityGroups(List<String> groups) {
            return new RestoreSpec(
                    snapshotId,
                    newIdentifier,
                    engine,
                    instanceClass,
                    subnetGroup,
                    groups,
                    parameterGroup,
                    optionGroup,
                    multiAz,
                    deletionProtection,
                    tags,
                    shaped);
        }

        /** A restore whose other values are RDS's defaults (verification instances). */
        public RestoreSpec(
                String snapshotId,
                String newIdentifier,
                String engine,
                String instanceClass,
                String subnetGroup,
                List<String> securityGroups,
                String parameterGroup,
                String optionGroup,
                boolean multiAz,
                boolean deletionProtection,
                Map<String, String> tags) {
            this(
                    snapshotId,
                    newIdentifier,
                    engine,
                    instanceClass,
                    subnetGroup,
                    securityGroups,
                    parameterGroup,
                    optionGroup,
                    multiAz,
                    deletionProtection,
                    tags,
                    Shaped.RDS_DEFAULTS);
        }
    }

    /**
     * The values of a restore that come from the recorded shape; each null leaves RDS's default (the snapshot's own,
     * for storage). {@code iops} and {@code storageThroughput} are set only where RDS accepts them.
     */
    record Shaped(
            Integer port,
            String storageType,
            Integer allocatedStorage,
            Integer iops,
            Integer storageThroughput,
            Boolean iamAuthentication,
            String caCertificate) {
        public static final Shaped RDS_DEFAULTS = new Shaped(null, null, null, null, null, null, null);
    }

    /** How close an account is to its manual snapshot quota. */
    record Quota(int used, int max) {
        public double ratio() {
            return max <= 0 ? 0 : (double) used / max;
        }
    }

    /** The KMS key of a shared snapshot does not let the copying account use it. */
    final class KeyNotGrantedException extends LifeboatException {
        private final String keyArn;
        private final String account;

        public KeyNotGrantedException(String keyArn, String account, String message) {
            super(
                    message,
                    "account " + account + " may use a KMS key of another account only when the key's policy and the"
                            + " calling role's IAM policy both allow it (KMS developer guide: allowing users in other"
                            + " accounts to use a KMS key)",
                    null);
            this.keyArn = keyArn;
            this.account = account;
        }

        public String keyArn() {
            return keyArn;
        }

        public String account() {
            return account;
        }
    }

    /** A snapshot an action needed is gone: another invocation of the same run moved on meanwhile. */
    final class SnapshotGoneException extends LifeboatException {
        public SnapshotGoneException(String message) {
            super(message, "another invocation moved on meanwhile: run again, it observes the state afresh", null);
        }
    }

    /**
     * RDS refused a snapshot or copy for a quota (SnapshotQuotaExceeded: the manual snapshots, or the copies in
     * flight into a Region), typically because another run took the last room meanwhile: wait and try again.
     */
    final class QuotaReachedException extends LifeboatException {
        public QuotaReachedException(String message) {
            super(message, "the run waits and tries again once room is made (retention, or copies finishing)", null);
        }
    }

    /** RDS refused a copy of this shape; the message is RDS's. */
    final class CopyRejectedException extends LifeboatException {
        public CopyRejectedException(String message) {
            super(message, "RDS refused this copy; the pipeline falls back to a two-step copy", null);
        }
    }
}
