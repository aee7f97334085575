package dev.lifeboat.core.port;

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
}
