package dev.lifeboat.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.KeyNotGrantedException;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.testing.IamModel;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.TestSettings;
import dev.lifeboat.protocol.KeyPolicies;
import dev.lifeboat.protocol.Tags;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestoringSnapshotTest {
    static final String PROD = "111111111111";
    static final String BACKUP = "222222222222";
    static final Location VAULT = new Location(BACKUP, "eu-central-1");
    static final Location PROD_LOC = new Location(PROD, "eu-west-1");

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T23:00:00Z"), ZoneOffset.UTC);
    private final InMemoryRds rds = new InMemoryRds(clock);
    private final RestoringSnapshot restoring = new RestoringSnapshot(rds, clock);
    private final LifeboatConfig config = TestSettings.orders();

    @BeforeEach
    void copies() {
        rds.addKey(BACKUP, "eu-central-1", "backup", false);
        rds.addKey(PROD, "eu-west-1", "restore", false);
        // Issue 15, item 5: the restore role and the source role with the policies the CDK app deploys, the backup
        // key with its deployed policy; the target's own key with the default key policy.
        rds.iam = IamModel.deployed(config, IamModel.BackupRole.RESTORE).withDefaultPoliciesFor(rds);
        for (int d = 22; d <= 25; d++) {
            LocalDate day = LocalDate.of(2026, 11, d);
            Instant at = day.atTime(3, 0).toInstant(ZoneOffset.UTC);
            String id = "lifeboat-orders-202611" + d + "-0300";
            rds.put(SnapshotInfo.builder()
                    .id(id)
                    .arn("arn:aws:rds:eu-central-1:" + BACKUP + ":snapshot:" + id)
                    .location(VAULT)
                    .kind(DbKind.INSTANCE)
                    .dbIdentifier("orders-prod")
                    .status("available")
                    .type("manual")
                    .createdAt(at.plusSeconds(900))
                    .encrypted(true)
                    .kmsKeyId("arn:aws:kms:eu-central-1:222222222222:key/backup")
                    .tags(Map.of(
                            Tags.MANAGED_BY,
                            "lifeboat",
                            Tags.DATABASE,
                            "orders",
                            Tags.ROLE,
                            "backup",
                            Tags.SOURCE_SNAPSHOT_TIME,
                            at.toString()))
                    .sharedWith(Set.of())
                    .engine("postgres")
                    .engineVersion("16.4")
                    .percentProgress(100)
                    .build());
        }
    }

    private static RestoringSnapshot.Target into(String id, String account, String region, String key) {
        return new RestoringSnapshot.Target(
                id,
                account,
                region,
                "db.t4g.medium",
                "lifeboat-restore",
                List.of("sg-0abc"),
                null,
                null,
                false,
                true,
                key);
    }

    private RestoringSnapshot.Result toTheEnd(RestoringSnapshot.Command c) {
        RestoringSnapshot.Result r = null;
        for (int i = 0; i < 50; i++) {
            r = restoring.advance(config, c);
            if (r.status() != RestoringSnapshot.Status.IN_PROGRESS) {
                return r;
            }
        }
        throw new AssertionError("restore did not end: " + r.message());
    }

    @Test
    void dryRun_showsEveryCallWithItsValues_andChangesNothing() {
        RestoringSnapshot.Result r = restoring.advance(
                config,
                new RestoringSnapshot.Command("orders", "latest", into("orders-restored", null, null, null), true));

        assertThat(r.status()).isEqualTo(RestoringSnapshot.Status.PLANNED);
        assertThat(r.backup().id()).isEqualTo("lifeboat-orders-20261125-0300");
        assertThat(r.plan()).singleElement().satisfies(call -> {
            assertThat(call.account()).isEqualTo(BACKUP);
            assertThat(call.region()).isEqualTo("eu-central-1");
            assertThat(call.api()).isEqualTo("RestoreDBInstanceFromDBSnapshot");
            assertThat(call.detail())
                    .contains(
                            "DBInstanceIdentifier=orders-restored",
                            "DBSubnetGroupName=lifeboat-restore",
                            "VpcSecurityGroupIds=sg-0abc",
                            "DBParameterGroupName=(RDS default for the engine)",
                            "DeletionProtection=true",
                            "PubliclyAccessible=false");
        });
        assertThat(rds.calls).isEmpty();
    }

    @Test
    void intoTheBackupAccount_restoresTheCopyDirectly_andReportsTheEndpoint() {
        RestoringSnapshot.Result r = toTheEnd(
                new RestoringSnapshot.Command("orders", "latest", into("orders-restored", null, null, null), false));

        assertThat(r.status()).isEqualTo(RestoringSnapshot.Status.AVAILABLE);
        assertThat(r.restored())
                .get()
                .extracting(d -> d.endpoint())
                .isEqualTo("orders-restored.eu-central-1.rds.example:5432");
        assertThat(rds.restores).singleElement().satisfies(spec -> {
            assertThat(spec.snapshotId()).isEqualTo("lifeboat-orders-20261125-0300");
            assertThat(spec.deletionProtection()).isTrue();
            assertThat(spec.tags())
                    .containsEntry(
                            RestoringSnapshot.RESTORED_FROM,
                            "arn:aws:rds:eu-central-1:" + BACKUP + ":snapshot:lifeboat-orders-20261125-0300");
        });
        assertThat(rds.calls).noneMatch(c -> c.startsWith("copy") || c.startsWith("delete"));
    }

    @Test
    void intoAnotherAccountAndRegion_sharesCopiesThenRestores() {
        RestoringSnapshot.Result r = toTheEnd(new RestoringSnapshot.Command(
                "orders",
                "latest",
                into("orders", PROD, "eu-west-1", "arn:aws:kms:eu-west-1:111111111111:key/restore"),
                false));

        assertThat(r.status()).isEqualTo(RestoringSnapshot.Status.AVAILABLE);
        assertThat(rds.calls)
                .containsSubsequence(
                        "share " + VAULT + " lifeboat-orders-20261125-0300 with " + PROD,
                        "copy " + PROD_LOC + " lifeboat-restore-orders-20261125-0300 from arn:aws:rds:eu-central-1:"
                                + BACKUP + ":snapshot:lifeboat-orders-20261125-0300",
                        "restore " + PROD_LOC + " orders from lifeboat-restore-orders-20261125-0300");
    }

    /**
     * Issue 11: copies are shared out only to accounts lifeboat.yml names (IAM has no condition key for the
     * accounts of a share, so the code holds the line, beside the backup key no other account may use).
     */
    @Test
    void anAccountLifeboatYmlDoesNotName_getsNoShare_andNothingIsCalled() {
        assertThatThrownBy(() -> restoring.advance(
                        config,
                        new RestoringSnapshot.Command(
                                "orders",
                                "latest",
                                into("orders", "999999999999", "eu-west-1", "arn:aws:kms:eu-west-1:999999999999:key/k"),
                                false)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("target account 999999999999 is not in the configuration");
        assertThat(rds.calls).isEmpty();
        assertThat(rds.all(VAULT)).allSatisfy(s -> assertThat(s.sharedWith()).isEmpty());
    }

    /**
     * Issue 15, item 5: the backup key's policy gave the target accounts no use of it, so the copy into the target
     * account (the incident path) failed with KMSKeyNotAccessibleFault; the test passed only because it made the
     * key usable by production, which the CDK app never did. With the key policy before the fix, it fails again.
     */
    @Test
    void intoAnotherAccount_needsTheBackupKeyPolicyToLetTheTargetAccountUseItThroughRds() {
        rds.iam.key(
                config.backup().kmsKeyArn(),
                KeyPolicies.backupKey(BACKUP, "eu-central-1", List.of(), "arn:aws:iam::222222222222:role/break-glass"));

        assertThatThrownBy(() -> toTheEnd(new RestoringSnapshot.Command(
                        "orders",
                        "latest",
                        into("orders", PROD, "eu-west-1", "arn:aws:kms:eu-west-1:111111111111:key/restore"),
                        false)))
                .isInstanceOf(KeyNotGrantedException.class)
                .hasMessageContaining("may not use " + config.backup().kmsKeyArn())
                .hasMessageContaining("refused by the key policy");
        assertThat(rds.restores).isEmpty();
    }

    private LifeboatConfig aurora() {
        LifeboatConfig.Database orders = config.database("orders");
        LifeboatConfig.Source s = orders.source();
        return LifeboatConfig.builder()
                .backup(config.backup())
                .databases(Map.of(
                        "orders",
                        new LifeboatConfig.Database(
                                orders.id(),
                                orders.engine(),
                                LifeboatConfig.Source.builder()
                                        .account(s.account())
                                        .region(s.region())
                                        .kind(DbKind.CLUSTER)
                                        .identifier("orders-aurora")
                                        .roleArn(s.roleArn())
                                        .externalId(s.externalId())
                                        .build(),
                                orders.snapshot(),
                                orders.retention(),
                                orders.schedules(),
                                orders.dump(),
                                orders.verify())))
                .document("{}")
                .build();
    }

    private void aClusterCopy() {
        String id = "lifeboat-orders-20261125-0300";
        Instant at = Instant.parse("2026-11-25T03:00:00Z");
        rds.put(SnapshotInfo.builder()
                .id(id)
                .arn("arn:aws:rds:eu-central-1:" + BACKUP + ":cluster-snapshot:" + id)
                .location(VAULT)
                .kind(DbKind.CLUSTER)
                .dbIdentifier("orders-aurora")
                .status("available")
                .type("manual")
                .createdAt(at.plusSeconds(900))
                .encrypted(true)
                .kmsKeyId("arn:aws:kms:eu-central-1:222222222222:key/backup")
                .tags(Map.of(Tags.MANAGED_BY, "lifeboat", Tags.DATABASE, "orders", Tags.ROLE, "backup"))
                .sharedWith(Set.of())
                .engine("aurora-postgresql")
                .engineVersion("16.4")
                .percentProgress(100)
                .originalCreatedAt(at)
                .build());
    }

    /**
     * Issue 15, item 4: the writer was created right after RestoreDBClusterFromSnapshot, which RDS refuses until the
     * cluster is available, and readiness was judged from the cluster alone. Now: the cluster, then (once it is
     * available) its writer, and available only when both are; the in-memory RDS refuses a writer any earlier.
     */
    @Test
    void anAuroraRestore_addsTheWriterOnlyOnceTheClusterIsAvailable_andIsReadyOnlyWithIt() {
        LifeboatConfig aurora = aurora();
        aClusterCopy();
        rds.pollsToComplete = 3;
        RestoringSnapshot.Command c =
                new RestoringSnapshot.Command("orders", "latest", into("orders-back", null, null, null), false);

        List<RestoringSnapshot.Result> steps = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RestoringSnapshot.Result r = restoring.advance(aurora, c);
            steps.add(r);
            if (r.status() != RestoringSnapshot.Status.IN_PROGRESS) {
                break;
            }
        }

        assertThat(steps.getLast().status())
                .as(steps.getLast().message())
                .isEqualTo(RestoringSnapshot.Status.AVAILABLE);
        assertThat(steps)
                .extracting(RestoringSnapshot.Result::message)
                .anyMatch(m -> m.contains("orders-back is creating"))
                .anyMatch(m -> m.contains("adding its writer orders-back-writer"))
                .anyMatch(m -> m.contains("writer orders-back-writer is creating"));
        assertThat(rds.calls)
                .containsSubsequence(
                        "restore " + VAULT + " orders-back from lifeboat-orders-20261125-0300",
                        "add-writer " + VAULT + " orders-back-writer");
    }

    /** A crash between the cluster and its writer: the next call adds the writer instead of declaring success. */
    @Test
    void aClusterLeftWithoutItsWriter_getsItOnTheNextCall() {
        LifeboatConfig aurora = aurora();
        aClusterCopy();
        RestoringSnapshot.Command c =
                new RestoringSnapshot.Command("orders", "latest", into("orders-back", null, null, null), false);
        restoring.advance(aurora, c);
        while (!rds.database(VAULT, DbKind.CLUSTER, "orders-back").orElseThrow().available()) {
            // the cluster comes up; the process that restored it is gone
        }

        RestoringSnapshot.Result next = restoring.advance(aurora, c);

        assertThat(next.status()).isEqualTo(RestoringSnapshot.Status.IN_PROGRESS);
        assertThat(rds.database(VAULT, DbKind.INSTANCE, "orders-back-writer")).isPresent();
    }

    /** Issue 15, item 6: a cluster named 57 to 63 characters was restored, then its writer could not be. */
    @Test
    void aClusterIdentifierWithNoRoomForItsWriter_isRefusedBeforeAnyCall() {
        LifeboatConfig.Database orders = config.database("orders");
        LifeboatConfig.Source s = orders.source();
        LifeboatConfig.Database cluster = new LifeboatConfig.Database(
                orders.id(),
                orders.engine(),
                LifeboatConfig.Source.builder()
                        .account(s.account())
                        .region(s.region())
                        .kind(DbKind.CLUSTER)
                        .identifier(s.identifier())
                        .roleArn(s.roleArn())
                        .externalId(s.externalId())
                        .build(),
                orders.snapshot(),
                orders.retention(),
                orders.schedules(),
                orders.dump(),
                orders.verify());
        LifeboatConfig clusters = LifeboatConfig.builder()
                .backup(config.backup())
                .databases(Map.of("orders", cluster))
                .document("{}")
                .build();

        assertThatThrownBy(() -> restoring.advance(
                        clusters,
                        new RestoringSnapshot.Command(
                                "orders", "latest", into("c" + "x".repeat(56), null, null, null), false)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("has 57 characters")
                .hasMessageContaining("-writer) would exceed RDS's 63");
        assertThat(rds.calls).isEmpty();
    }

    @Test
    void anExistingIdentifier_isRefused_andNothingIsCreated() {
        rds.addDatabase(VAULT, "orders-restored", "postgres", null);

        assertThatThrownBy(() -> restoring.advance(
                        config,
                        new RestoringSnapshot.Command(
                                "orders", "latest", into("orders-restored", null, null, null), false)))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("orders-restored already exists")
                .hasMessageContaining("never reuses, modifies or deletes");
        assertThat(rds.calls).isEmpty();
    }

    @Test
    void beforeATime_picksTheNewestCopyTakenByThen() {
        RestoringSnapshot.Result r = restoring.advance(
                config,
                new RestoringSnapshot.Command(
                        "orders", "before:2026-11-24T12:00:00Z", into("orders-restored", null, null, null), true));

        assertThat(r.backup().id()).isEqualTo("lifeboat-orders-20261124-0300");
        assertThatThrownBy(() -> restoring.advance(
                        config,
                        new RestoringSnapshot.Command(
                                "orders", "before:2026-11-01T00:00:00Z", into("x", null, null, null), true)))
                .isInstanceOf(BackupNotFoundException.class)
                .satisfies(e ->
                        assertThat(((BackupNotFoundException) e).hint()).contains("lifeboat-orders-20261122-0300"));
    }

    @Test
    void badInput_namesTheFieldAndTheChoices() {
        assertThatThrownBy(() -> restoring.advance(
                        config,
                        new RestoringSnapshot.Command(
                                "orders", "latest", into("orders-restored", "999999999999", null, "k"), false)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("target account 999999999999 is not in the configuration")
                .satisfies(e -> assertThat(((InvalidInputException) e).hint())
                        .contains(BACKUP)
                        .contains(PROD));
        assertThatThrownBy(() -> restoring.advance(
                        config,
                        new RestoringSnapshot.Command("orders", "latest", into("1-bad--id", null, null, null), false)))
                .hasMessageContaining("'1-bad--id' is not a valid RDS identifier");
        assertThatThrownBy(() -> restoring.advance(
                        config,
                        new RestoringSnapshot.Command("orders", "nope", into("ok-id", null, null, null), false)))
                .isInstanceOf(BackupNotFoundException.class)
                .satisfies(e ->
                        assertThat(((BackupNotFoundException) e).hint()).contains("lifeboat-orders-20261125-0300"));
        assertThatThrownBy(() -> restoring.advance(
                        config,
                        new RestoringSnapshot.Command(
                                "orders", "latest", into("ok-id", PROD, "eu-west-1", null), false)))
                .hasMessageContaining("needs a copy of the backup there");
        assertThat(rds.calls).isEmpty();
    }
}
