package dev.lifeboat.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.CopyStrategy;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.Mode;
import dev.lifeboat.core.error.QuotaReachedException;
import dev.lifeboat.core.error.SnapshotGoneException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.testing.IamModel;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.TestSettings;
import dev.lifeboat.protocol.Policies;
import dev.lifeboat.protocol.Tags;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pipeline's scenarios against the in-memory RDS that enforces the documented rules. */
class SnapshotPipelineTest {
    static final String PROD = "111111111111";
    static final String BACKUP = "222222222222";
    static final Location SOURCE = new Location(PROD, "eu-west-1");
    static final Location VAULT = new Location(BACKUP, "eu-central-1");
    static final Location STAGING = new Location(BACKUP, "eu-west-1");
    static final Instant RUN = Instant.parse("2026-11-25T03:00:00Z");

    private final InMemoryRds rds = new InMemoryRds(Clock.fixed(RUN.plusSeconds(60), ZoneOffset.UTC));
    private final CopyingSnapshot copying = new CopyingSnapshot(rds);
    private InMemoryRds.Key awsRdsKey;
    private InMemoryRds.Key shareKey;

    static final String SHARE_KEY = "arn:aws:kms:eu-west-1:111111111111:key/share";

    private LifeboatConfig config = TestSettings.pipeline(BACKUP, Mode.CREATE, CopyStrategy.AUTO, SHARE_KEY);

    @BeforeEach
    void accounts() {
        awsRdsKey = rds.addKey(PROD, "eu-west-1", "aws-rds", true);
        shareKey = rds.addKey(PROD, "eu-west-1", "share", false, BACKUP);
        rds.addKey(BACKUP, "eu-central-1", "backup", false);
        rds.addKey(BACKUP, "eu-west-1", "staging", false);
        rds.addDatabase(SOURCE, "orders-prod", "postgres", awsRdsKey.arn());
    }

    /**
     * The IAM and KMS model of the deployment of {@link #config}, as the CDK app makes it (the pipeline's role in
     * the backup account, the source role in production, the keys' policies); a test may change it first.
     */
    private void deployed() {
        if (rds.iam == null) {
            rds.iam = IamModel.deployed(config, IamModel.BackupRole.PIPELINE).withDefaultPoliciesFor(rds);
        }
    }

    /** Advances the run until it is done or failed, as Step Functions would; returns every step's result. */
    private List<CopyingSnapshot.Result> runToEnd(RunProgress start) {
        deployed();
        List<CopyingSnapshot.Result> steps = new ArrayList<>();
        RunProgress p = start;
        for (int i = 0; i < 200; i++) {
            CopyingSnapshot.Result r = copying.advance(config, "orders", RUN, p);
            steps.add(r);
            p = r.progress();
            if (r.status() != Decision.Status.IN_PROGRESS) {
                return steps;
            }
        }
        throw new AssertionError(
                "run did not end in 200 steps: " + steps.getLast().message());
    }

    @Test
    void happyPath_reEncryptsSharesCopiesTagsAndCleansUp() {
        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).as(steps.getLast().message()).isEqualTo(Decision.Status.DONE);
        List<SnapshotInfo> inVault = rds.all(VAULT);
        assertThat(inVault).hasSize(1);
        SnapshotInfo copy = inVault.getFirst();
        assertThat(copy.id()).isEqualTo("lifeboat-orders-20261125-0300");
        assertThat(copy.kmsKeyId()).isEqualTo("arn:aws:kms:eu-central-1:222222222222:key/backup");
        assertThat(copy.tags())
                .containsEntry(Tags.MANAGED_BY, "lifeboat")
                .containsEntry(Tags.DATABASE, "orders")
                .containsEntry(Tags.SOURCE_ACCOUNT, PROD)
                .containsEntry(Tags.SOURCE_REGION, "eu-west-1")
                .containsEntry(Tags.SOURCE_IDENTIFIER, "orders-prod")
                .containsEntry(Tags.ENGINE, "postgres")
                .containsEntry(Tags.ENGINE_VERSION, "16.4")
                .containsEntry(Tags.RUN, "orders@2026-11-25T03:00:00Z")
                .containsKey(Tags.SOURCE_SNAPSHOT_TIME);
        assertThat(rds.all(SOURCE)).as("intermediates deleted after success").isEmpty();
        assertThat(rds.calls)
                .anyMatch(c -> c.startsWith("share " + SOURCE + " lifeboat-orders-20261125-0300-share with " + BACKUP))
                .noneMatch(c -> c.contains("with all"));
    }

    @Test
    void snapshotCreatingAcrossManyPolls_isWaitedFor_notFailed() {
        rds.pollsToComplete = 12;

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).as(steps.getLast().message()).isEqualTo(Decision.Status.DONE);
        assertThat(steps).hasSizeGreaterThan(12);
        assertThat(steps)
                .filteredOn(r -> r.executed().isEmpty() && r.status() == Decision.Status.IN_PROGRESS)
                .extracting(CopyingSnapshot.Result::message)
                .anyMatch(m -> m.contains("is creating"));
    }

    @Test
    void copyEndingFailed_isRetried_thenSucceeds() {
        rds.failNextAt(VAULT, "lifeboat-orders-20261125-0300");

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).as(steps.getLast().message()).isEqualTo(Decision.Status.DONE);
        assertThat(steps.getLast().progress().attempts()).isEqualTo(1);
        assertThat(steps)
                .extracting(CopyingSnapshot.Result::message)
                .anyMatch(m -> m.contains("retrying (attempt 2 of 3)"));
        assertThat(rds.all(VAULT))
                .singleElement()
                .extracting(SnapshotInfo::status)
                .isEqualTo("available");
    }

    @Test
    void copyFailingEveryTime_isReported_andIntermediatesAreKeptUntilARetryResolvesIt() {
        // Every attempt at the final copy fails: the run reports it and keeps what it made.
        for (int i = 0; i < 3; i++) {
            rds.failNextAt(VAULT, "lifeboat-orders-20261125-0300");
        }
        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).isEqualTo(Decision.Status.FAILED);
        assertThat(steps.getLast().message()).contains("ended failed 3 times").contains("kept for inspection");
        assertThat(rds.all(SOURCE))
                .extracting(SnapshotInfo::id)
                .contains("lifeboat-orders-20261125-0300", "lifeboat-orders-20261125-0300-share");

        // The operator runs it again once RDS recovered: it resumes from what exists and cleans up.
        rds.failNext.clear();
        List<CopyingSnapshot.Result> again = runToEnd(RunProgress.START);

        assertThat(again.getLast().status()).isEqualTo(Decision.Status.DONE);
        assertThat(rds.all(SOURCE)).isEmpty();
        assertThat(rds.calls).filteredOn(c -> c.startsWith("create ")).hasSize(1);
    }

    @Test
    void sourceInstanceDeletedBeforeTheSnapshot_failsSayingWhereToRestoreFrom() {
        rds.removeDatabase(SOURCE, "orders-prod");

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).isEqualTo(Decision.Status.FAILED);
        assertThat(steps.getLast().message())
                .contains("DB instance orders-prod does not exist in " + SOURCE)
                .contains("restore from the newest backup copy");
    }

    @Test
    void sourceInstanceDeletedMidRun_stillCompletesTheCopy_fromTheSnapshotTaken() {
        RunProgress p = RunProgress.START;
        CopyingSnapshot.Result r;
        do {
            r = copying.advance(config, "orders", RUN, p);
            p = r.progress();
        } while (rds.snapshot(SOURCE, DbKind.INSTANCE, "lifeboat-orders-20261125-0300")
                .filter(SnapshotInfo::available)
                .isEmpty());
        rds.removeDatabase(SOURCE, "orders-prod"); // terraform destroy, mid-run

        List<CopyingSnapshot.Result> rest = runToEnd(p);

        assertThat(rest.getLast().status()).isEqualTo(Decision.Status.DONE);
        assertThat(rds.all(VAULT)).hasSize(1);
    }

    @Test
    void shareKeyNotGrantedToTheBackupAccount_failsNamingTheKeyAndTheGrant() {
        deployed();
        rds.iam.defaultKey(shareKey.arn()); // a share key whose policy names only its own account

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).isEqualTo(Decision.Status.FAILED);
        assertThat(steps.getLast().message())
                .contains("account " + BACKUP + " may not use KMS key " + shareKey.arn())
                .contains("refused by the key policy")
                .contains("the key's policy must allow account " + BACKUP);
        assertThat(rds.all(VAULT)).isEmpty();
    }

    @Test
    void awsManagedKeyWithoutAShareKey_failsNamingTheFieldToSet() {
        config = TestSettings.pipeline(BACKUP, Mode.CREATE, CopyStrategy.AUTO, null);

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).isEqualTo(Decision.Status.FAILED);
        assertThat(steps.getLast().message()).contains("set databases.orders.source.shareKmsKeyArn");
        assertThat(rds.calls).as("refused before anything is made").isEmpty();
    }

    @Test
    void manualSnapshotQuotaReached_queuesTheCopy_andGoesOnOnceRoomIsMade() {
        rds.manualQuota = 3;
        for (int i = 0; i < 3; i++) {
            rds.put(SnapshotInfo.builder()
                    .id("old-" + i)
                    .arn("arn:aws:rds:eu-central-1:" + BACKUP + ":snapshot:old-" + i)
                    .location(VAULT)
                    .kind(DbKind.INSTANCE)
                    .dbIdentifier("x")
                    .status("available")
                    .type("manual")
                    .createdAt(RUN.minusSeconds(86400L * (i + 1)))
                    .encrypted(true)
                    .kmsKeyId("arn:aws:kms:eu-central-1:222222222222:key/backup")
                    .tags(Map.of())
                    .sharedWith(Set.of())
                    .engine("postgres")
                    .engineVersion("16")
                    .percentProgress(100)
                    .build());
        }
        RunProgress p = RunProgress.START;
        CopyingSnapshot.Result r = null;
        for (int i = 0; i < 20; i++) {
            r = copying.advance(config, "orders", RUN, p);
            p = r.progress();
        }

        assertThat(r.status()).isEqualTo(Decision.Status.IN_PROGRESS);
        assertThat(r.message()).contains("queued: the backup account holds 3 of its 3 manual snapshots");
        assertThat(r.backupQuota().ratio()).isEqualTo(1.0);
        assertThat(rds.all(VAULT)).hasSize(3);

        rds.delete(VAULT, DbKind.INSTANCE, "old-2");
        assertThat(runToEnd(p).getLast().status()).isEqualTo(Decision.Status.DONE);
    }

    @Test
    void copyConcurrencyLimit_queuesInsteadOfFailing() {
        // Twenty copies into the backup Region are already in flight (other databases' runs).
        for (int i = 0; i < 20; i++) {
            rds.putInProgress(SnapshotInfo.builder()
                    .id("inflight-" + i)
                    .arn("arn:aws:rds:eu-central-1:" + BACKUP + ":snapshot:inflight-" + i)
                    .location(VAULT)
                    .kind(DbKind.INSTANCE)
                    .dbIdentifier("other")
                    .status("creating")
                    .type("manual")
                    .createdAt(RUN)
                    .encrypted(false)
                    .tags(Map.of())
                    .sharedWith(Set.of())
                    .engine("postgres")
                    .engineVersion("16")
                    .percentProgress(10)
                    .build());
        }
        RunProgress p = RunProgress.START;
        CopyingSnapshot.Result r = null;
        for (int i = 0; i < 12; i++) {
            r = copying.advance(config, "orders", RUN, p);
            p = r.progress();
        }

        assertThat(r.status()).isEqualTo(Decision.Status.IN_PROGRESS);
        assertThat(r.message()).contains("queued: 20 snapshot copies already in progress");
        assertThat(rds.calls).noneMatch(c -> c.startsWith("copy " + VAULT));

        rds.finishInProgress();
        assertThat(runToEnd(p).getLast().status()).isEqualTo(Decision.Status.DONE);
    }

    @Test
    void aSnapshotGoneWhileActing_isObservedAgain_notAFailure() {
        // Another invocation of the same run deleted the source between this one's look and its action.
        InMemoryRds racing = new InMemoryRds(Clock.fixed(RUN, ZoneOffset.UTC)) {
            @Override
            public synchronized void share(Location where, DbKind kind, String snapshotId, String account) {
                throw new SnapshotGoneException("DBSnapshotNotFound: " + snapshotId);
            }
        };
        racing.addKey(PROD, "eu-west-1", "share", false, BACKUP);
        racing.addDatabase(SOURCE, "orders-prod", "postgres", null);
        CopyingSnapshot c = new CopyingSnapshot(racing);
        CopyingSnapshot.Result r = null;
        for (int i = 0; i < 5; i++) {
            r = c.advance(config, "orders", RUN, RunProgress.START);
        }

        assertThat(r.status()).isEqualTo(Decision.Status.IN_PROGRESS);
        assertThat(r.message()).contains("changed while acting").contains("observing again");
    }

    @Test
    void theSameRunInvokedTwiceAtOnce_makesOneCopy() throws Exception {
        rds.pollsToComplete = 3;
        Callable<Decision.Status> worker =
                () -> runToEnd(RunProgress.START).getLast().status();
        var pool = Executors.newFixedThreadPool(2);
        try {
            Future<Decision.Status> a = pool.submit(worker);
            Future<Decision.Status> b = pool.submit(worker);
            assertThat(a.get()).isEqualTo(Decision.Status.DONE);
            assertThat(b.get()).isEqualTo(Decision.Status.DONE);
        } finally {
            pool.shutdownNow();
        }
        assertThat(rds.all(VAULT)).hasSize(1);
        assertThat(rds.calls)
                .filteredOn(c -> c.startsWith("create "))
                .allMatch(c -> c.endsWith("lifeboat-orders-20261125-0300"));
    }

    @Test
    void copyAutomatedMode_copiesTheNewestAutomatedSnapshotWithTheShareKey() {
        config = TestSettings.pipeline(BACKUP, Mode.COPY_AUTOMATED, CopyStrategy.AUTO, SHARE_KEY);
        rds.addAutomated(SOURCE, DbKind.INSTANCE, "orders-prod", RUN.minusSeconds(86400), awsRdsKey.arn());
        SnapshotInfo newest =
                rds.addAutomated(SOURCE, DbKind.INSTANCE, "orders-prod", RUN.minusSeconds(3600), awsRdsKey.arn());

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).as(steps.getLast().message()).isEqualTo(Decision.Status.DONE);
        assertThat(rds.calls)
                .contains("copy " + SOURCE + " lifeboat-orders-20261125-0300 from " + newest.arn())
                .noneMatch(c -> c.startsWith("create "))
                .noneMatch(c -> c.contains("-share"));
        assertThat(rds.all(VAULT).getFirst().tags())
                .containsEntry(Tags.SOURCE_SNAPSHOT_TIME, newest.createdAt().toString());
    }

    @Test
    void refusedSingleStepCopy_fallsBackToTwoSteps_andCleansTheStagingCopy() {
        rds.refuseCrossAccountCrossRegionCopy = true;

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).as(steps.getLast().message()).isEqualTo(Decision.Status.DONE);
        assertThat(steps.getLast().progress().twoStep()).isTrue();
        assertThat(steps.getLast().progress().warnings()).anyMatch(w -> w.contains("used two steps"));
        assertThat(rds.calls).anyMatch(c -> c.startsWith("copy " + STAGING + " lifeboat-orders-20261125-0300-staging"));
        assertThat(rds.all(STAGING)).isEmpty();
        assertThat(rds.all(VAULT))
                .singleElement()
                .extracting(SnapshotInfo::kmsKeyId)
                .isEqualTo("arn:aws:kms:eu-central-1:222222222222:key/backup");
    }

    @Test
    void nonDefaultOptionGroup_withoutOneForTheBackupRegion_isReported() {
        rds.addDatabase(SOURCE, "orders-prod", "postgres", awsRdsKey.arn(), "orders-options");

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).as(steps.getLast().message()).isEqualTo(Decision.Status.DONE);
        assertThat(steps.getLast().progress().warnings())
                .anyMatch(w -> w.contains("option group orders-options") && w.contains("snapshot.optionGroup"));
    }

    @Test
    void backupAccountThatIsTheSourceAccount_copiesAcrossRegions_withoutSharing() {
        config = TestSettings.pipeline(PROD, Mode.CREATE, CopyStrategy.SINGLE_STEP, null);
        rds.addKey(PROD, "eu-central-1", "backup", false);

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).as(steps.getLast().message()).isEqualTo(Decision.Status.DONE);
        assertThat(rds.all(new Location(PROD, "eu-central-1")))
                .singleElement()
                .extracting(SnapshotInfo::kmsKeyId)
                .isEqualTo("arn:aws:kms:eu-central-1:" + PROD + ":key/backup");
        assertThat(rds.calls).noneMatch(c -> c.startsWith("share ")).noneMatch(c -> c.contains("-share"));
        assertThat(rds.all(SOURCE)).isEmpty();
    }

    @Test
    void unencryptedSource_isSharedAsItIs_withAWarning() {
        rds.addDatabase(SOURCE, "orders-prod", "postgres", null);

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).as(steps.getLast().message()).isEqualTo(Decision.Status.DONE);
        assertThat(steps.getLast().progress().warnings()).anyMatch(w -> w.contains("is not encrypted"));
        assertThat(rds.all(VAULT).getFirst().kmsKeyId()).isEqualTo("arn:aws:kms:eu-central-1:222222222222:key/backup");
    }

    /**
     * Issue 15, item 1: KMS needs the caller's own IAM policy to allow another account's key; the pipeline's role
     * could use only the backup key, so every encrypted copy from a share key failed (KMSKeyNotAccessibleFault).
     * The deployed policies pass (every test above); the old role fails, naming the side that refused.
     */
    @Test
    void aPipelineRoleWithoutTheShareKeyInItsOwnPolicy_cannotCopy_evenThoughTheKeyPolicyAllows() {
        deployed();
        rds.iam.caller(
                BACKUP,
                "arn:aws:iam::222222222222:role/lifeboat-snapshot-pipeline",
                Policies.snapshotPipelineRole(
                        BACKUP,
                        config.backup().kmsKeyArn(),
                        List.of(config.database("orders").source().roleArn())));

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).isEqualTo(Decision.Status.FAILED);
        assertThat(steps.getLast().message())
                .contains("may not use KMS key " + shareKey.arn())
                .contains("refused by the role's IAM policy");
        assertThat(rds.all(VAULT)).isEmpty();
    }

    /**
     * Issue 15, item 1: a database on its own customer managed key (not aws/rds) is re-encrypted with the share
     * key by the source role, which therefore needs that key too (through RDS only).
     */
    @Test
    void aDatabaseOnItsOwnCustomerKey_isReEncryptedForSharing_throughTheSourceRolesRdsOnlyKeyUse() {
        InMemoryRds.Key own = rds.addKey(PROD, "eu-west-1", "orders-own", false);
        rds.addDatabase(SOURCE, "orders-prod", "postgres", own.arn());

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).as(steps.getLast().message()).isEqualTo(Decision.Status.DONE);
        assertThat(rds.all(VAULT))
                .singleElement()
                .extracting(SnapshotInfo::kmsKeyId)
                .isEqualTo(config.backup().kmsKeyArn());
    }

    @Test
    void aSourceRoleWithoutKeyUse_cannotReEncryptADatabaseOnItsOwnKey_andTheMessageSaysWhichSideRefused() {
        InMemoryRds.Key own = rds.addKey(PROD, "eu-west-1", "orders-own", false);
        rds.addDatabase(SOURCE, "orders-prod", "postgres", own.arn());
        deployed();
        rds.iam.caller(
                PROD,
                config.database("orders").source().roleArn(),
                Policies.sourceRole(
                                PROD,
                                "eu-west-1",
                                List.of(config.database("orders").source().arn()),
                                BACKUP,
                                config.backup().kmsKeyArn())
                        .stream()
                        .filter(st -> !st.actions().toString().contains("kms:"))
                        .toList());

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).isEqualTo(Decision.Status.FAILED);
        assertThat(steps.getLast().message())
                .contains("may not use KMS key " + own.arn())
                .contains("refused by the role's IAM policy");
    }

    /**
     * Issue 15, item 6: the configured option group (the backup Region's) was sent on every hop, including the
     * copies inside the source account and Region, where it does not exist (OptionGroupNotFoundFault). Only the
     * hop into the backup Region carries it now, in both copy strategies and both modes.
     */
    @Test
    void theConfiguredOptionGroup_goesOnlyOnTheHopIntoTheBackupRegion() {
        for (CopyStrategy strategy : List.of(CopyStrategy.SINGLE_STEP, CopyStrategy.TWO_STEP)) {
            for (Mode mode : List.of(Mode.CREATE, Mode.COPY_AUTOMATED)) {
                InMemoryRds fresh = new InMemoryRds(Clock.fixed(RUN.plusSeconds(60), ZoneOffset.UTC));
                InMemoryRds.Key aws = fresh.addKey(PROD, "eu-west-1", "aws-rds", true);
                fresh.addKey(PROD, "eu-west-1", "share", false, BACKUP);
                fresh.addKey(BACKUP, "eu-central-1", "backup", false);
                fresh.addKey(BACKUP, "eu-west-1", "staging", false);
                fresh.addDatabase(SOURCE, "orders-prod", "postgres", aws.arn());
                fresh.addAutomated(SOURCE, DbKind.INSTANCE, "orders-prod", RUN.minusSeconds(3600), aws.arn());
                fresh.addOptionGroup(VAULT, "orders-options-eu-central-1");
                LifeboatConfig base = TestSettings.pipeline(BACKUP, mode, strategy, SHARE_KEY);
                LifeboatConfig.Database d = base.database("orders");
                LifeboatConfig withGroup = LifeboatConfig.builder()
                        .backup(base.backup())
                        .databases(Map.of(
                                "orders",
                                new LifeboatConfig.Database(
                                        d.id(),
                                        d.engine(),
                                        d.source(),
                                        LifeboatConfig.SnapshotSettings.builder()
                                                .mode(mode)
                                                .copyStrategy(strategy)
                                                .optionGroup("orders-options-eu-central-1")
                                                .stagingKmsKeyArn(d.snapshot().stagingKmsKeyArn())
                                                .build(),
                                        d.retention(),
                                        d.schedules(),
                                        d.dump(),
                                        d.verify())))
                        .document("{}")
                        .build();
                fresh.iam = IamModel.deployed(withGroup, IamModel.BackupRole.PIPELINE)
                        .withDefaultPoliciesFor(fresh);
                CopyingSnapshot c = new CopyingSnapshot(fresh);
                RunProgress p = RunProgress.START;
                CopyingSnapshot.Result r = null;
                for (int i = 0; i < 100; i++) {
                    r = c.advance(withGroup, "orders", RUN, p);
                    p = r.progress();
                    if (r.status() != Decision.Status.IN_PROGRESS) {
                        break;
                    }
                }
                assertThat(r.status())
                        .as(strategy + " " + mode + ": " + r.message())
                        .isEqualTo(Decision.Status.DONE);
            }
        }
    }

    /**
     * Issue 36, item 12: an Aurora cluster snapshot shared from another account goes across Regions in two steps from
     * the start under AUTO; no single-step copy is tried and waited out.
     */
    @Test
    void anAuroraClusterFromAnotherAccount_goesAcrossRegionsInTwoSteps_fromTheStart() {
        LifeboatConfig base = TestSettings.pipeline(BACKUP, Mode.CREATE, CopyStrategy.AUTO, SHARE_KEY);
        LifeboatConfig.Database d = base.database("orders");
        LifeboatConfig.Source s0 = d.source();
        config = LifeboatConfig.builder()
                .backup(base.backup())
                .databases(Map.of(
                        "orders",
                        new LifeboatConfig.Database(
                                d.id(),
                                d.engine(),
                                LifeboatConfig.Source.builder()
                                        .account(s0.account())
                                        .region(s0.region())
                                        .kind(DbKind.CLUSTER)
                                        .identifier("orders-aurora")
                                        .roleArn(s0.roleArn())
                                        .externalId(s0.externalId())
                                        .shareKmsKeyArn(s0.shareKmsKeyArn())
                                        .build(),
                                d.snapshot(),
                                d.retention(),
                                d.schedules(),
                                d.dump(),
                                d.verify())))
                .document("{}")
                .build();
        rds.addDatabase(SOURCE, "orders-aurora", "aurora-postgresql", shareKey.arn());

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).as(steps.getLast().message()).isEqualTo(Decision.Status.DONE);
        List<Action.Purpose> copies = steps.stream()
                .flatMap(r -> r.executed().stream())
                .filter(a -> a instanceof Action.Copy)
                .map(a -> ((Action.Copy) a).purpose())
                .toList();
        assertThat(copies)
                .containsSubsequence(Action.Purpose.INTO_STAGING, Action.Purpose.STAGING_TO_BACKUP)
                .doesNotContain(Action.Purpose.INTO_BACKUP_SINGLE_STEP);
        assertThat(rds.all(VAULT))
                .singleElement()
                .satisfies(c -> assertThat(c.kind()).isEqualTo(DbKind.CLUSTER));
    }

    /** Issue 15, item 6: KmsKeyId was sent to copy an unencrypted Aurora cluster snapshot, which RDS refuses. */
    @Test
    void anUnencryptedAuroraCluster_isCopiedWithoutAKey() {
        LifeboatConfig base = TestSettings.pipeline(BACKUP, Mode.CREATE, CopyStrategy.SINGLE_STEP, SHARE_KEY);
        LifeboatConfig.Database d = base.database("orders");
        LifeboatConfig.Source s0 = d.source();
        config = LifeboatConfig.builder()
                .backup(base.backup())
                .databases(Map.of(
                        "orders",
                        new LifeboatConfig.Database(
                                d.id(),
                                d.engine(),
                                LifeboatConfig.Source.builder()
                                        .account(s0.account())
                                        .region(s0.region())
                                        .kind(DbKind.CLUSTER)
                                        .identifier("orders-aurora")
                                        .roleArn(s0.roleArn())
                                        .externalId(s0.externalId())
                                        .shareKmsKeyArn(s0.shareKmsKeyArn())
                                        .build(),
                                d.snapshot(),
                                d.retention(),
                                d.schedules(),
                                d.dump(),
                                d.verify())))
                .document("{}")
                .build();
        rds.addDatabase(SOURCE, "orders-aurora", "aurora-postgresql", null);

        List<CopyingSnapshot.Result> steps = runToEnd(RunProgress.START);

        assertThat(steps.getLast().status()).as(steps.getLast().message()).isEqualTo(Decision.Status.DONE);
        assertThat(rds.all(VAULT)).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(DbKind.CLUSTER);
            assertThat(c.encrypted()).isFalse();
        });
    }

    /**
     * Issue 15, item 6: a concurrent run took the last snapshot room between this run's observation and its call;
     * RDS's SnapshotQuotaExceeded failed the run. It waits in the queue now, and goes on once room is made.
     */
    @Test
    void aQuotaRefusalFromARaceWithAnotherRun_queuesTheRun_insteadOfFailingIt() {
        boolean[] raced = {false};
        InMemoryRds racing = new InMemoryRds(Clock.fixed(RUN.plusSeconds(60), ZoneOffset.UTC)) {
            @Override
            public synchronized SnapshotInfo copySnapshot(
                    Location where,
                    DbKind kind,
                    String sourceArn,
                    String sourceRegion,
                    String targetId,
                    String kmsKeyId,
                    String optionGroup,
                    Map<String, String> tags) {
                if (where.equals(VAULT) && !raced[0]) {
                    raced[0] = true;
                    throw new QuotaReachedException("SnapshotQuotaExceeded: another run took the last room");
                }
                return super.copySnapshot(where, kind, sourceArn, sourceRegion, targetId, kmsKeyId, optionGroup, tags);
            }
        };
        InMemoryRds.Key aws = racing.addKey(PROD, "eu-west-1", "aws-rds", true);
        racing.addKey(PROD, "eu-west-1", "share", false, BACKUP);
        racing.addKey(BACKUP, "eu-central-1", "backup", false);
        racing.addKey(BACKUP, "eu-west-1", "staging", false);
        racing.addDatabase(SOURCE, "orders-prod", "postgres", aws.arn());
        racing.iam = IamModel.deployed(config, IamModel.BackupRole.PIPELINE).withDefaultPoliciesFor(racing);
        CopyingSnapshot c = new CopyingSnapshot(racing);
        List<CopyingSnapshot.Result> steps = new ArrayList<>();
        RunProgress p = RunProgress.START;
        for (int i = 0; i < 100; i++) {
            CopyingSnapshot.Result r = c.advance(config, "orders", RUN, p);
            steps.add(r);
            p = r.progress();
            if (r.status() != Decision.Status.IN_PROGRESS) {
                break;
            }
        }

        assertThat(raced[0]).isTrue();
        assertThat(steps)
                .extracting(CopyingSnapshot.Result::message)
                .anyMatch(m -> m.startsWith("queued: RDS refused"));
        assertThat(steps.getLast().status()).as(steps.getLast().message()).isEqualTo(Decision.Status.DONE);
    }

    /**
     * Issue 14: the run records the source's shape once, beside its copy, when it takes the source snapshot; a shape
     * that cannot be described (the source role lacks the permission, EC2 fails) leaves a warning and the copy is
     * still made: the backup matters more than its record.
     */
    @Test
    void theShape_isRecordedOnceBesideTheCopy_andAFailureToDescribeItNeverStopsTheBackup() {
        deployed();
        dev.lifeboat.core.testing.InMemoryVault vault = new dev.lifeboat.core.testing.InMemoryVault();
        dev.lifeboat.core.testing.InMemoryShapes shapes = new dev.lifeboat.core.testing.InMemoryShapes();
        shapes.databases.put(
                SOURCE + "/orders-prod", dev.lifeboat.core.shape.ShapeRecordsTest.shape("db.r6g.large", "65536", RUN));
        CopyingSnapshot recording = new CopyingSnapshot(rds, shapes, vault);
        RunProgress p = RunProgress.START;
        CopyingSnapshot.Result r = null;
        for (int i = 0; i < 200 && (r == null || r.status() == Decision.Status.IN_PROGRESS); i++) {
            r = recording.advance(config, "orders", RUN, p);
            p = r.progress();
        }
        assertThat(r.status()).isEqualTo(Decision.Status.DONE);
        String finalId = new SnapshotRun("orders", RUN).finalId();
        assertThat(dev.lifeboat.core.shape.ShapeRecords.read(vault, "orders", finalId))
                .get()
                .extracting(dev.lifeboat.core.model.DatabaseShape::instanceClass)
                .isEqualTo("db.r6g.large");
        assertThat(shapes.calls)
                .as("described once, when the source snapshot was taken")
                .hasSize(1);

        InMemoryRds other = new InMemoryRds(Clock.fixed(RUN.plusSeconds(60), ZoneOffset.UTC));
        InMemoryRds.Key aws = other.addKey(PROD, "eu-west-1", "aws-rds", true);
        other.addKey(PROD, "eu-west-1", "share", false, BACKUP);
        other.addKey(BACKUP, "eu-central-1", "backup", false);
        other.addKey(BACKUP, "eu-west-1", "staging", false);
        other.addDatabase(SOURCE, "orders-prod", "postgres", aws.arn());
        other.iam = IamModel.deployed(config, IamModel.BackupRole.PIPELINE).withDefaultPoliciesFor(other);
        dev.lifeboat.core.testing.InMemoryShapes failing = new dev.lifeboat.core.testing.InMemoryShapes();
        failing.describeFailure = new IllegalStateException("AccessDenied: ec2:DescribeSecurityGroups");
        dev.lifeboat.core.testing.InMemoryVault empty = new dev.lifeboat.core.testing.InMemoryVault();
        CopyingSnapshot unlucky = new CopyingSnapshot(other, failing, empty);
        p = RunProgress.START;
        r = null;
        for (int i = 0; i < 200 && (r == null || r.status() == Decision.Status.IN_PROGRESS); i++) {
            r = unlucky.advance(config, "orders", RUN, p);
            p = r.progress();
        }
        assertThat(r.status()).isEqualTo(Decision.Status.DONE);
        assertThat(r.progress().warnings())
                .anySatisfy(
                        w -> assertThat(w).contains("shape was not recorded").contains("AccessDenied"));
        assertThat(empty.objects).isEmpty();
    }
}
