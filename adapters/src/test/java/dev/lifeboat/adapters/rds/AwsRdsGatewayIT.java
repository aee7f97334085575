package dev.lifeboat.adapters.rds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.adapters.aws.AccountCredentials;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.port.RdsGateway;
import dev.lifeboat.protocol.Tags;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The RDS adapter against moto, with the backup account (moto's default, 123456789012) and a source
 * account reached through STS AssumeRole with an external id, as in production.
 */
@ExtendWith(RealParts.class)
class AwsRdsGatewayIT {
    static final String BACKUP = "123456789012";
    static final String PROD = "111111111111";
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private MotoServer moto;
    private AccountCredentials credentials;
    private AwsRdsGateway rds;
    private final Location source = new Location(PROD, "eu-west-1");
    private final Location backupHere = new Location(BACKUP, "eu-west-1");
    private final Location backupThere = new Location(BACKUP, "eu-central-1");

    @BeforeEach
    void setUp(MotoServer moto) {
        this.moto = moto;
        StsClient sts = StsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.US_EAST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .build();
        credentials = new AccountCredentials(
                BACKUP,
                Map.of(
                        PROD,
                        new AccountCredentials.AssumedRole(
                                "arn:aws:iam::" + PROD + ":role/lifeboat-source", "lifeboat-ext")),
                sts,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")));
        rds = new AwsRdsGateway(credentials, moto.clients());
    }

    @AfterEach
    void tearDown() {
        rds.close();
    }

    private String kmsKey(String account, String region) {
        try (KmsClient kms = KmsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.of(region))
                .credentialsProvider(credentials.forAccount(account))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            return kms.createKey(b -> b.description("lifeboat test"))
                    .keyMetadata()
                    .arn();
        }
    }

    private String sourceInstance() {
        String id = "orders-" + suffix;
        String key = kmsKey(PROD, "eu-west-1");
        try (RdsClient client = RdsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_WEST_1)
                .credentialsProvider(credentials.forAccount(PROD))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            client.createDBInstance(b -> b.dbInstanceIdentifier(id)
                    .engine("postgres")
                    .engineVersion("16.4")
                    .dbInstanceClass("db.t4g.micro")
                    .allocatedStorage(20)
                    .masterUsername("admin")
                    .masterUserPassword("not-a-real-password-1")
                    .storageEncrypted(true)
                    .kmsKeyId(key));
        }
        return id;
    }

    @Test
    void describesCreatesTagsSharesCopiesAndDeletes_inTheSourceAccountThroughAnAssumedRole() {
        String db = sourceInstance();

        Optional<RdsGateway.SourceDatabase> found = rds.database(source, DbKind.INSTANCE, db);
        assertThat(found).get().extracting(RdsGateway.SourceDatabase::engine).isEqualTo("postgres");
        assertThat(found.get().encrypted()).isTrue();
        assertThat(rds.database(backupHere, DbKind.INSTANCE, db))
                .as("accounts are separate")
                .isEmpty();

        SnapshotInfo created = rds.createSnapshot(
                source,
                DbKind.INSTANCE,
                db,
                "lifeboat-" + suffix,
                Map.of(Tags.MANAGED_BY, "lifeboat", Tags.DATABASE, "orders"));
        SnapshotInfo again = rds.createSnapshot(source, DbKind.INSTANCE, db, "lifeboat-" + suffix, Map.of());
        assertThat(again.id()).as("already exists counts as done").isEqualTo(created.id());
        assertThat(created.arn()).contains(":" + PROD + ":snapshot:lifeboat-" + suffix);

        SnapshotInfo seen =
                rds.snapshot(source, DbKind.INSTANCE, "lifeboat-" + suffix).orElseThrow();
        assertThat(seen.tags()).containsEntry(Tags.MANAGED_BY, "lifeboat");
        assertThat(seen.encrypted()).isTrue();

        // Re-encrypt within the source account with another key (the share key).
        String shareKey = kmsKey(PROD, "eu-west-1");
        SnapshotInfo share = rds.copySnapshot(
                source,
                DbKind.INSTANCE,
                seen.arn(),
                "eu-west-1",
                "lifeboat-" + suffix + "-share",
                shareKey,
                null,
                Map.of(Tags.ROLE, "share"));
        assertThat(rds.snapshot(source, DbKind.INSTANCE, share.id())
                        .orElseThrow()
                        .kmsKeyId())
                .isEqualTo(shareKey);

        rds.share(source, DbKind.INSTANCE, share.id(), BACKUP);
        assertThat(rds.snapshot(source, DbKind.INSTANCE, share.id())
                        .orElseThrow()
                        .sharedWith())
                .containsExactly(BACKUP);

        // Across Regions within an account, with a key of the destination Region.
        String centralKey = kmsKey(PROD, "eu-central-1");
        Location sourceThere = new Location(PROD, "eu-central-1");
        SnapshotInfo moved = rds.copySnapshot(
                sourceThere,
                DbKind.INSTANCE,
                share.arn(),
                "eu-west-1",
                "lifeboat-" + suffix + "-eu",
                centralKey,
                null,
                Map.of(Tags.ROLE, "backup"));
        assertThat(rds.snapshot(sourceThere, DbKind.INSTANCE, moved.id()))
                .get()
                .satisfies(s -> assertThat(s.tags()).containsEntry(Tags.ROLE, "backup"));

        assertThat(rds.snapshots(source, DbKind.INSTANCE, db))
                .extracting(SnapshotInfo::id)
                .contains("lifeboat-" + suffix, "lifeboat-" + suffix + "-share");
        // moto does not implement DescribeAccountAttributes: this exercises the counting fallback.
        RdsGateway.Quota quota = rds.manualSnapshotQuota(source, DbKind.INSTANCE);
        assertThat(quota.max()).isEqualTo(AwsRdsGateway.DEFAULT_MANUAL_SNAPSHOT_QUOTA);
        assertThat(quota.used()).isGreaterThanOrEqualTo(2).isEqualTo((int)
                rds.snapshots(source, DbKind.INSTANCE, null).stream()
                        .filter(s -> "manual".equals(s.type()))
                        .count());
        // The count of copies in flight reads the plain listing; it agrees with the full one (moto's copies are done at
        // once).
        assertThat(rds.copiesInProgress(source, DbKind.INSTANCE)).isEqualTo((int)
                rds.snapshots(source, DbKind.INSTANCE, null).stream()
                        .filter(s -> Set.of("creating", "copying", "pending").contains(s.status()))
                        .count());
        assertThat(rds.copiesInProgress(source, DbKind.CLUSTER)).isZero();

        rds.delete(source, DbKind.INSTANCE, "lifeboat-" + suffix);
        assertThat(rds.snapshot(source, DbKind.INSTANCE, "lifeboat-" + suffix)).isEmpty();
        rds.delete(source, DbKind.INSTANCE, "lifeboat-" + suffix); // twice: already gone counts as deleted
        assertThat(rds.snapshot(backupThere, DbKind.INSTANCE, "lifeboat-" + suffix))
                .isEmpty();
    }

    @Test
    void restoresAnInstanceAndAnAuroraClusterWithItsWriter_fromSnapshots() {
        String db = sourceInstance();
        SnapshotInfo snap = rds.createSnapshot(source, DbKind.INSTANCE, db, "inst-" + suffix, Map.of());
        RdsGateway.SourceDatabase restored = rds.restore(
                source,
                DbKind.INSTANCE,
                new RdsGateway.RestoreSpec(
                        snap.id(),
                        "restored-" + suffix,
                        "postgres",
                        "db.t4g.medium",
                        null,
                        List.of(),
                        null,
                        null,
                        false,
                        true,
                        Map.of("lifeboat:restored-from", snap.arn())));
        assertThat(restored.identifier()).isEqualTo("restored-" + suffix);
        assertThat(rds.database(source, DbKind.INSTANCE, "restored-" + suffix))
                .get()
                .satisfies(d -> assertThat(d.tags()).containsEntry("lifeboat:restored-from", snap.arn()));

        try (RdsClient client = RdsClient.builder()
                .endpointOverride(URI.create(moto.endpoint()))
                .region(Region.EU_WEST_1)
                .credentialsProvider(credentials.forAccount(BACKUP))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build()) {
            client.createDBCluster(b -> b.dbClusterIdentifier("ledger-" + suffix)
                    .engine("aurora-postgresql")
                    .masterUsername("admin")
                    .masterUserPassword("not-a-real-password-1"));
        }
        SnapshotInfo cs =
                rds.createSnapshot(backupHere, DbKind.CLUSTER, "ledger-" + suffix, "ledger-snap-" + suffix, Map.of());
        assertThat(rds.snapshot(backupHere, DbKind.CLUSTER, cs.id())).isPresent();
        rds.restore(
                backupHere,
                DbKind.CLUSTER,
                new RdsGateway.RestoreSpec(
                        cs.id(),
                        "ledger-restored-" + suffix,
                        "aurora-postgresql",
                        "db.r6g.large",
                        null,
                        List.of(),
                        null,
                        null,
                        false,
                        true,
                        Map.of()));
        RdsGateway.SourceDatabase cluster = rds.database(backupHere, DbKind.CLUSTER, "ledger-restored-" + suffix)
                .orElseThrow();
        assertThat(rds.database(backupHere, DbKind.INSTANCE, "ledger-restored-" + suffix + "-writer"))
                .as("no writer until the cluster is available and the writer is asked for")
                .isEmpty();
        // moto makes the cluster available at once; RDS would take minutes (RestoredDatabases waits for it).
        assertThat(cluster.available()).isTrue();
        rds.addWriter(backupHere, cluster, "db.r6g.large", Map.of("lifeboat:verification", "x"));
        assertThat(rds.database(backupHere, DbKind.INSTANCE, "ledger-restored-" + suffix + "-writer"))
                .as("the writer")
                .get()
                .satisfies(w -> assertThat(w.tags()).containsEntry("lifeboat:verification", "x"));
    }

    @Test
    void aMissingDatabaseOrSnapshot_isEmpty_notAnError() {
        assertThat(rds.database(source, DbKind.INSTANCE, "no-such-db-" + suffix))
                .isEmpty();
        assertThat(rds.snapshot(source, DbKind.INSTANCE, "no-such-snapshot-" + suffix))
                .isEmpty();
        assertThat(rds.database(source, DbKind.CLUSTER, "no-such-cluster-" + suffix))
                .isEmpty();
    }

    @Test
    void publicSharing_isRefusedBeforeAnyCall() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> rds.share(source, DbKind.INSTANCE, "x", "all"))
                .hasMessageContaining("never shares a snapshot publicly");
    }
}
