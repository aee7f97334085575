package dev.lifeboat.core.port;

import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.RdsGateway.RestoreSpec;
import dev.lifeboat.core.port.RdsGateway.SourceDatabase;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The database calls of RDS, each in one account and Region: describe a database, restore one from a
 * snapshot, and the lifecycle of the throwaway instances of verification runs.
 */
public interface RdsDatabases {
    /**
     * DB instance and cluster identifiers: "1 to 63 letters, numbers, or hyphens"
     * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html,
     * API_RestoreDBClusterFromSnapshot.html).
     */
    int MAX_IDENTIFIER = 63;

    /** The writer instance of a restored Aurora cluster is named {@code <cluster>-writer}. */
    String WRITER_SUFFIX = "-writer";

    /**
     * The longest master password RDS accepts: RDS for MySQL and MariaDB 8 to 41 characters, RDS for PostgreSQL 8 to
     * 128 (API_CreateDBInstance.html and API_ModifyDBInstance.html, MasterUserPassword, "Length Constraints"); an
     * Aurora cluster, of any engine, 8 to 41 (API_CreateDBCluster.html, API_ModifyDBCluster.html).
     */
    static int maxMasterPassword(String engine, DbKind kind) {
        if (kind == DbKind.CLUSTER || engine == null || engine.startsWith("aurora")) {
            return 41;
        }
        return engine.startsWith("postgres") ? 128 : 41;
    }

    /** Lifeboat's throwaway master passwords: 32 hex characters (128 random bits), within every engine's limit. */
    int THROWAWAY_PASSWORD_HEX_CHARS = 32;

    /** The longest identifier a new database of {@code kind} may have: a cluster leaves room for its writer. */
    static int maxIdentifier(DbKind kind) {
        return kind == DbKind.CLUSTER ? MAX_IDENTIFIER - WRITER_SUFFIX.length() : MAX_IDENTIFIER;
    }
    /** The source database, or empty if it does not exist (deleted, or the wrong id). */
    Optional<SourceDatabase> database(Location where, DbKind kind, String identifier);

    /**
     * Restores a new database from a snapshot owned in {@code where}: RestoreDBInstanceFromDBSnapshot, or
     * RestoreDBClusterFromSnapshot for Aurora (the cluster alone: its writer comes with {@link #addWriter} once the
     * cluster is available). Returns the new database as RDS first describes it.
     */
    SourceDatabase restore(Location where, DbKind kind, RestoreSpec spec);

    /**
     * Adds the writer instance {@code <cluster>-writer} to a restored Aurora cluster (CreateDBInstance with the
     * cluster's engine). RDS accepts it only once the cluster is available ("You can create DB instances in the
     * cluster after it is available": https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_RestoreDBClusterFromSnapshot.html,
     * AuroraUserGuide aurora-restore-snapshot.html).
     */
    SourceDatabase addWriter(Location where, SourceDatabase cluster, String instanceClass, Map<String, String> tags);

    /**
     * Creates a new, empty DB instance (CreateDBInstance): the shape a dump is loaded into when no snapshot copy can
     * be used. Encrypted with {@code kmsKeyId}, never publicly accessible. Returns the instance as RDS first
     * describes it.
     */
    SourceDatabase createInstance(Location where, NewInstance spec);

    /**
     * An empty instance's values: the restore's ({@link RdsGateway.RestoreSpec}'s) and what CreateDBInstance needs
     * besides a snapshot: the engine version, the master login and the key.
     */
    record NewInstance(
            RdsGateway.RestoreSpec spec,
            String engineVersion,
            String masterUsername,
            dev.lifeboat.core.model.Secret masterPassword,
            String kmsKeyId) {
        @Override
        public String toString() {
            return "NewInstance[" + spec.newIdentifier() + " " + spec.engine() + " " + engineVersion + ", master "
                    + masterUsername + "]";
        }
    }

    /** Sets a new master password (ModifyDBInstance / ModifyDBCluster, applied at once); returns the master user name. */
    String resetMasterPassword(Location where, DbKind kind, String identifier, Secret password);

    /**
     * Deletes a database without a final snapshot: only for throwaway verification instances, which the
     * caller identifies by their tag. Already gone counts as deleted.
     */
    void deleteDatabase(Location where, DbKind kind, String identifier);

    /**
     * A database as the audit judges it: what protects it, what it is encrypted with, and the Regions its automated
     * backups are replicated to (from DescribeDBInstances' DBInstanceAutomatedBackupsReplications). The instances
     * of an Aurora cluster are not listed on their own: their cluster is.
     */
    record Protection(
            DbKind kind,
            String identifier,
            boolean deletionProtection,
            int backupRetentionDays,
            boolean encrypted,
            String kmsKeyId,
            List<String> backupReplicationRegions) {
        public Protection {
            backupReplicationRegions =
                    backupReplicationRegions == null ? List.of() : List.copyOf(backupReplicationRegions);
        }

        /** Without cross-Region replication of its automated backups. */
        public Protection(
                DbKind kind,
                String identifier,
                boolean deletionProtection,
                int backupRetentionDays,
                boolean encrypted,
                String kmsKeyId) {
            this(kind, identifier, deletionProtection, backupRetentionDays, encrypted, kmsKeyId, List.of());
        }
    }

    /** Every DB instance (outside a cluster) and DB cluster in that place. */
    List<Protection> protections(Location where);

    /** Databases in that place carrying the tag {@code tagKey}. */
    List<SourceDatabase> databasesTagged(Location where, DbKind kind, String tagKey);
}
