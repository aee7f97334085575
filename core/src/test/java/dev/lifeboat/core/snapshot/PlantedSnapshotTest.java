package dev.lifeboat.core.snapshot;

import static dev.lifeboat.core.snapshot.SnapshotPipelineTest.BACKUP;
import static dev.lifeboat.core.snapshot.SnapshotPipelineTest.PROD;
import static dev.lifeboat.core.snapshot.SnapshotPipelineTest.RUN;
import static dev.lifeboat.core.snapshot.SnapshotPipelineTest.SHARE_KEY;
import static dev.lifeboat.core.snapshot.SnapshotPipelineTest.SOURCE;
import static dev.lifeboat.core.snapshot.SnapshotPipelineTest.VAULT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.audit.NewestBackups;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.CopyStrategy;
import dev.lifeboat.core.config.LifeboatConfig.SnapshotSettings.Mode;
import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.SnapshotInfo;
import dev.lifeboat.core.restore.RestoringSnapshot;
import dev.lifeboat.core.testing.IamModel;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.testing.TestSettings;
import dev.lifeboat.protocol.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 37, item 1: production can create a snapshot under a run's predictable name before the run does. The run
 * adopts only what it made: a snapshot of its database (RDS's resource id), manual, made after the run began.
 * Anything else under its names is refused as planted, left as it is, and reported as tampering; retention,
 * freshness and "latest" never count a copy whose data RDS says came from another database than its run's.
 */
class PlantedSnapshotTest {
    private final MutableClock clock = new MutableClock(RUN.plusSeconds(60));
    private final LifeboatConfig config = TestSettings.pipeline(BACKUP, Mode.CREATE, CopyStrategy.AUTO, SHARE_KEY);

    /** Production's account and the backup account as the CDK app deploys them, with a junk database beside. */
    private InMemoryRds world() {
        InMemoryRds rds = new InMemoryRds(clock);
        InMemoryRds.Key aws = rds.addKey(PROD, "eu-west-1", "aws-rds", true);
        rds.addKey(PROD, "eu-west-1", "share", false, BACKUP);
        rds.addKey(BACKUP, "eu-central-1", "backup", false);
        rds.addKey(BACKUP, "eu-west-1", "staging", false);
        rds.addDatabase(SOURCE, "orders-prod", "postgres", aws.arn());
        rds.addDatabase(SOURCE, "junk", "postgres", aws.arn());
        return rds;
    }

    private static void deploy(InMemoryRds rds, LifeboatConfig cfg) {
        rds.iam = IamModel.deployed(cfg, IamModel.BackupRole.PIPELINE).withDefaultPoliciesFor(rds);
    }

    private CopyingSnapshot.Result runToEnd(InMemoryRds rds, LifeboatConfig cfg, Instant at, RunProgress start) {
        CopyingSnapshot copying = new CopyingSnapshot(rds);
        RunProgress p = start;
        CopyingSnapshot.Result r = null;
        for (int i = 0; i < 200; i++) {
            r = copying.advance(cfg, "orders", at, p);
            p = r.progress();
            clock.advance(Duration.ofMinutes(1));
            if (r.status() != Decision.Status.IN_PROGRESS) {
                return r;
            }
        }
        throw new AssertionError("the run of " + at + " did not end in 200 steps: " + r.message());
    }

    @Test
    void anotherDatabasesSnapshot_underAnyOfTheRunsNames_isRefusedAsPlanted_leftAsItIs_andCopiesNothing() {
        SnapshotRun run = new SnapshotRun("orders", RUN);
        for (String name : List.of(run.sourceId(), run.shareId())) {
            InMemoryRds rds = world();
            // Production's administrator, ahead of the run: the run's name, another database's data.
            SnapshotInfo planted = rds.createSnapshot(SOURCE, DbKind.INSTANCE, "junk", name, Map.of());
            deploy(rds, config);

            CopyingSnapshot.Result r = runToEnd(rds, config, RUN, RunProgress.START);

            assertThat(r.status()).as(name + ": " + r.message()).isEqualTo(Decision.Status.FAILED);
            assertThat(r.planted()).as(name).isTrue();
            assertThat(r.message())
                    .contains(name)
                    .contains("taken of another database")
                    .contains(rds.resourceIdOf(SOURCE, "junk"))
                    .contains("refused as planted");
            assertThat(rds.all(VAULT))
                    .as(name + ": nothing reached the backup account")
                    .isEmpty();
            assertThat(rds.all(SOURCE))
                    .as(name + ": the planted snapshot is left where it is, for whoever looks into it")
                    .anyMatch(s -> s.id().equals(name) && s.arn().equals(planted.arn()));
            assertThat(rds.calls)
                    .as(name + ": never shared, copied or deleted")
                    .noneMatch(c -> c.startsWith("share") && c.contains(" " + name + " "))
                    .noneMatch(c -> c.contains("from " + planted.arn()))
                    .noneMatch(c -> c.startsWith("delete") && c.endsWith(" " + name));
        }
    }

    @Test
    void aSnapshotOfTheRightDatabase_madeBeforeTheRunBegan_isRefused_soOldDataCannotPassForTonightsBackup() {
        InMemoryRds rds = world();
        SnapshotRun run = new SnapshotRun("orders", RUN);
        String orders = rds.resourceIdOf(SOURCE, "orders-prod");
        rds.put(SnapshotInfo.builder()
                .id(run.sourceId())
                .arn("arn:aws:rds:eu-west-1:" + PROD + ":snapshot:" + run.sourceId())
                .location(SOURCE)
                .kind(DbKind.INSTANCE)
                .dbIdentifier("orders-prod")
                .status("available")
                .type("manual")
                .createdAt(RUN.minus(Duration.ofDays(20)))
                .encrypted(false)
                .tags(Map.of())
                .sharedWith(Set.of())
                .engine("postgres")
                .engineVersion("16.4")
                .percentProgress(100)
                .originalCreatedAt(RUN.minus(Duration.ofDays(20)))
                .resourceId(orders)
                .build());
        deploy(rds, config);

        CopyingSnapshot.Result r = runToEnd(rds, config, RUN, RunProgress.START);

        assertThat(r.status()).isEqualTo(Decision.Status.FAILED);
        assertThat(r.planted()).isTrue();
        assertThat(r.message()).contains("before the run began");
        assertThat(rds.all(VAULT)).isEmpty();
    }

    /**
     * A copy's SnapshotCreateTime is the time of the copy (API_DBSnapshot.html), so copying an old snapshot of the
     * right database under the run's name just before the run (or under -share once the run began) gives a snapshot
     * of the run's database, manual, "created" after the run began: old data. RDS keeps OriginalSnapshotCreateTime
     * through copies, and that is what shows it.
     */
    @Test
    void anOldSnapshotOfTheRightDatabase_copiedUnderTheRunsNameJustBeforeTheRun_isRefused_notBackedUpAsTonights() {
        SnapshotRun run = new SnapshotRun("orders", RUN);
        for (String name : List.of(run.sourceId(), run.shareId())) {
            InMemoryRds rds = world();
            String orders = rds.resourceIdOf(SOURCE, "orders-prod");
            String aws = rds.keys().stream()
                    .filter(InMemoryRds.Key::awsManaged)
                    .findFirst()
                    .orElseThrow()
                    .arn();
            Instant longAgo = RUN.minus(Duration.ofDays(20));
            SnapshotInfo old = SnapshotInfo.builder()
                    .id("before-the-migration")
                    .arn("arn:aws:rds:eu-west-1:" + PROD + ":snapshot:before-the-migration")
                    .location(SOURCE)
                    .kind(DbKind.INSTANCE)
                    .dbIdentifier("orders-prod")
                    .status("available")
                    .type("manual")
                    .createdAt(longAgo)
                    .encrypted(true)
                    .kmsKeyId(aws)
                    .tags(Map.of())
                    .sharedWith(Set.of())
                    .engine("postgres")
                    .engineVersion("16.4")
                    .percentProgress(100)
                    .originalCreatedAt(longAgo)
                    .resourceId(orders)
                    .build();
            rds.put(old);
            // Production's administrator, a minute before the run: a copy of the old snapshot under the run's name.
            clock.now = RUN.minus(Duration.ofMinutes(1));
            String key = name.equals(run.shareId()) ? SHARE_KEY : null;
            rds.copySnapshot(SOURCE, DbKind.INSTANCE, old.arn(), "eu-west-1", name, key, null, Map.of());
            while (!rds.snapshot(SOURCE, DbKind.INSTANCE, name).orElseThrow().available()) {
                clock.advance(Duration.ofSeconds(1));
            }
            clock.now = RUN.plusSeconds(30);
            deploy(rds, config);

            CopyingSnapshot.Result r = runToEnd(rds, config, RUN, RunProgress.START);

            assertThat(r.status()).as(name + ": " + r.message()).isEqualTo(Decision.Status.FAILED);
            assertThat(r.planted()).as(name).isTrue();
            assertThat(r.message()).contains(name).contains(longAgo.toString());
            assertThat(rds.all(VAULT))
                    .as(name + ": nothing reached the backup account")
                    .isEmpty();
        }
    }

    /**
     * copy-automated: the run's snapshots are copies of the newest automated snapshot, so their original time is that
     * snapshot's, hours before the run. An older automated snapshot (RDS keeps them up to 35 days) copied under the
     * run's name is not tonight's.
     */
    @Test
    void copyAutomatedMode_anOlderAutomatedSnapshot_copiedUnderTheRunsName_isRefused() {
        LifeboatConfig automated = TestSettings.pipeline(BACKUP, Mode.COPY_AUTOMATED, CopyStrategy.AUTO, SHARE_KEY);
        InMemoryRds rds = world();
        String key = rds.keys().stream()
                .filter(InMemoryRds.Key::awsManaged)
                .findFirst()
                .orElseThrow()
                .arn();
        // RDS's backup window, every night, kept 21 days.
        List<SnapshotInfo> nightly = new ArrayList<>();
        for (int d = 20; d >= 0; d--) {
            nightly.add(rds.addAutomated(
                    SOURCE,
                    DbKind.INSTANCE,
                    "orders-prod",
                    RUN.minus(Duration.ofDays(d)).minus(Duration.ofHours(3)),
                    key));
        }
        SnapshotInfo old = nightly.getFirst();
        SnapshotRun run = new SnapshotRun("orders", RUN);
        clock.now = RUN.minus(Duration.ofMinutes(1));
        rds.copySnapshot(SOURCE, DbKind.INSTANCE, old.arn(), "eu-west-1", run.sourceId(), null, null, Map.of());
        while (!rds.snapshot(SOURCE, DbKind.INSTANCE, run.sourceId())
                .orElseThrow()
                .available()) {
            clock.advance(Duration.ofSeconds(1));
        }
        clock.now = RUN.plusSeconds(30);
        deploy(rds, automated);

        CopyingSnapshot.Result r = runToEnd(rds, automated, RUN, RunProgress.START);

        assertThat(r.status()).as(r.message()).isEqualTo(Decision.Status.FAILED);
        assertThat(r.planted()).isTrue();
        assertThat(rds.all(VAULT)).isEmpty();
    }

    /** The guard above must not fire when RDS's backup window makes a newer automated snapshot while the run copies. */
    @Test
    void copyAutomatedMode_aNewAutomatedSnapshotMidRun_isNoFalseAlarm() {
        LifeboatConfig automated = TestSettings.pipeline(BACKUP, Mode.COPY_AUTOMATED, CopyStrategy.AUTO, SHARE_KEY);
        InMemoryRds rds = world();
        String key = rds.keys().stream()
                .filter(InMemoryRds.Key::awsManaged)
                .findFirst()
                .orElseThrow()
                .arn();
        rds.addAutomated(SOURCE, DbKind.INSTANCE, "orders-prod", RUN.minus(Duration.ofHours(23)), key);
        deploy(rds, automated);
        CopyingSnapshot copying = new CopyingSnapshot(rds);
        CopyingSnapshot.Result first = copying.advance(automated, "orders", RUN, RunProgress.START);
        assertThat(first.executed()).anyMatch(a -> a instanceof Action.Copy);
        clock.advance(Duration.ofMinutes(30));
        rds.addAutomated(SOURCE, DbKind.INSTANCE, "orders-prod", clock.instant(), key); // the backup window

        CopyingSnapshot.Result r = runToEnd(rds, automated, RUN, first.progress());

        assertThat(r.status()).as(r.message()).isEqualTo(Decision.Status.DONE);
        assertThat(r.planted()).isFalse();
    }

    /** The pipeline's configuration with orders as the Aurora cluster orders-aurora. */
    private LifeboatConfig aurora() {
        LifeboatConfig.Database d = config.database("orders");
        LifeboatConfig.Source s0 = d.source();
        return LifeboatConfig.builder()
                .backup(config.backup())
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
    }

    /**
     * An Aurora cluster snapshot has no OriginalSnapshotCreateTime, so its copy's only time is the copy's: an old
     * snapshot of the right cluster, copied under the run's name just before the run, would be backed up, counted as
     * fresh and offered as "latest". RDS names what a cluster snapshot was copied from, and the run's are never copies
     * of an old snapshot.
     */
    @Test
    void anOldClusterSnapshotOfTheRightCluster_copiedUnderTheRunsName_isRefused() {
        LifeboatConfig cluster = aurora();
        SnapshotRun run = new SnapshotRun("orders", RUN);
        for (String name : List.of(run.sourceId(), run.shareId())) {
            InMemoryRds rds = world();
            String aws = rds.keys().stream()
                    .filter(InMemoryRds.Key::awsManaged)
                    .findFirst()
                    .orElseThrow()
                    .arn();
            rds.addDatabase(SOURCE, "orders-aurora", "aurora-postgresql", aws);
            String orders = rds.resourceIdOf(SOURCE, "orders-aurora");
            Instant longAgo = RUN.minus(Duration.ofDays(20));
            SnapshotInfo old = SnapshotInfo.builder()
                    .id("before-the-migration")
                    .arn("arn:aws:rds:eu-west-1:" + PROD + ":cluster-snapshot:before-the-migration")
                    .location(SOURCE)
                    .kind(DbKind.CLUSTER)
                    .dbIdentifier("orders-aurora")
                    .status("available")
                    .type("manual")
                    .createdAt(longAgo)
                    .encrypted(true)
                    .kmsKeyId(aws)
                    .tags(Map.of())
                    .sharedWith(Set.of())
                    .engine("aurora-postgresql")
                    .engineVersion("16.4")
                    .percentProgress(100)
                    .resourceId(orders)
                    .build();
            rds.put(old);
            clock.now = RUN.minus(Duration.ofMinutes(1));
            String key = name.equals(run.shareId()) ? SHARE_KEY : null;
            rds.copySnapshot(SOURCE, DbKind.CLUSTER, old.arn(), "eu-west-1", name, key, null, Map.of());
            while (!rds.snapshot(SOURCE, DbKind.CLUSTER, name).orElseThrow().available()) {
                clock.advance(Duration.ofSeconds(1));
            }
            clock.now = RUN.plusSeconds(30);
            deploy(rds, cluster);

            CopyingSnapshot.Result r = runToEnd(rds, cluster, RUN, RunProgress.START);

            assertThat(r.status()).as(name + ": " + r.message()).isEqualTo(Decision.Status.FAILED);
            assertThat(r.planted()).as(name).isTrue();
            assertThat(r.message()).contains(name).contains(old.arn());
            assertThat(rds.all(VAULT))
                    .as(name + ": nothing reached the backup account")
                    .isEmpty();
        }
    }

    /** A genuine Aurora run, through the share copy and both steps, is no false alarm. */
    @Test
    void aGenuineClusterRun_throughItsShareCopy_isDone() {
        LifeboatConfig cluster = aurora();
        InMemoryRds rds = world();
        String aws = rds.keys().stream()
                .filter(InMemoryRds.Key::awsManaged)
                .findFirst()
                .orElseThrow()
                .arn();
        rds.addDatabase(SOURCE, "orders-aurora", "aurora-postgresql", aws);
        deploy(rds, cluster);

        CopyingSnapshot.Result r = runToEnd(rds, cluster, RUN, RunProgress.START);

        assertThat(r.status()).as(r.message()).isEqualTo(Decision.Status.DONE);
        assertThat(rds.all(VAULT))
                .singleElement()
                .satisfies(c -> assertThat(c.kind()).isEqualTo(DbKind.CLUSTER));
    }

    /** RDS omitting KmsKeyId of an encrypted snapshot is a decision (re-encrypt with the share key), not a crash. */
    @Test
    void anEncryptedSourceSnapshotWithoutAKeyId_isReEncrypted_notANullPointer() {
        InMemoryRds rds = world();
        SnapshotRun run = new SnapshotRun("orders", RUN);
        String orders = rds.resourceIdOf(SOURCE, "orders-prod");
        SnapshotInfo source = SnapshotInfo.builder()
                .id(run.sourceId())
                .arn("arn:aws:rds:eu-west-1:" + PROD + ":snapshot:" + run.sourceId())
                .location(SOURCE)
                .kind(DbKind.INSTANCE)
                .dbIdentifier("orders-prod")
                .status("available")
                .type("manual")
                .createdAt(RUN.plusSeconds(60))
                .encrypted(true)
                .tags(Map.of())
                .sharedWith(Set.of())
                .engine("postgres")
                .engineVersion("16.4")
                .percentProgress(100)
                .originalCreatedAt(RUN.plusSeconds(60))
                .resourceId(orders)
                .build();
        Observed o = new Observed(
                rds.database(SOURCE, DbKind.INSTANCE, "orders-prod"),
                java.util.Optional.empty(),
                java.util.Optional.of(source),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                java.util.Optional.empty(),
                0,
                0,
                null,
                List.of());

        Decision d = SnapshotPlanner.decide(
                new SnapshotPlanner.Plan(config.backup(), config.database("orders"), run), o, RunProgress.START);

        assertThat(d.actions())
                .singleElement()
                .satisfies(a ->
                        assertThat(((Action.Copy) a).purpose()).isEqualTo(Action.Purpose.REENCRYPT_WITH_SHARE_KEY));
    }

    @Test
    void aRunThatLostItsProgressAfterItsCreate_adoptsTheSnapshotItMade_andTagsTheCopyWithItsDatabase() {
        InMemoryRds rds = world();
        deploy(rds, config);
        CopyingSnapshot copying = new CopyingSnapshot(rds);
        // The first step creates the source snapshot; its answer is lost (the function killed before it returned).
        assertThat(copying.advance(config, "orders", RUN, RunProgress.START).executed())
                .anyMatch(a -> a instanceof Action.CreateSource);

        CopyingSnapshot.Result r = runToEnd(rds, config, RUN, RunProgress.START);

        assertThat(r.status()).as(r.message()).isEqualTo(Decision.Status.DONE);
        String orders = rds.resourceIdOf(SOURCE, "orders-prod");
        assertThat(rds.all(VAULT)).singleElement().satisfies(copy -> {
            assertThat(copy.resourceId()).isEqualTo(orders);
            assertThat(copy.tags()).containsEntry(Tags.SOURCE_RESOURCE_ID, orders);
            assertThat(RetentionPolicy.lineageBroken(copy)).isNull();
        });
    }

    @Test
    void aDatabaseReplacedUnderItsNameMidRun_theRunFinishesWithTheSnapshotOfTheDatabaseItBeganWith() {
        InMemoryRds rds = world();
        deploy(rds, config);
        String before = rds.resourceIdOf(SOURCE, "orders-prod");
        CopyingSnapshot.Result first = new CopyingSnapshot(rds).advance(config, "orders", RUN, RunProgress.START);
        assertThat(first.progress().sourceResourceId()).isEqualTo(before);
        rds.removeDatabase(SOURCE, "orders-prod");
        rds.addDatabase(SOURCE, "orders-prod", "postgres", rds.keys().getFirst().arn());
        assertThat(rds.resourceIdOf(SOURCE, "orders-prod")).isNotEqualTo(before);

        CopyingSnapshot.Result r = runToEnd(rds, config, RUN, first.progress());

        assertThat(r.status()).as(r.message()).isEqualTo(Decision.Status.DONE);
        assertThat(rds.all(VAULT))
                .singleElement()
                .satisfies(copy -> assertThat(copy.tags()).containsEntry(Tags.SOURCE_RESOURCE_ID, before));
    }

    @Test
    void copyAutomatedMode_neverCopiesAnAutomatedSnapshotOfAnEarlierDatabaseUnderTheSameName() {
        LifeboatConfig automated = TestSettings.pipeline(BACKUP, Mode.COPY_AUTOMATED, CopyStrategy.AUTO, SHARE_KEY);
        InMemoryRds rds = world();
        String key = rds.keys().getFirst().arn();
        rds.addAutomated(SOURCE, DbKind.INSTANCE, "orders-prod", RUN.minus(Duration.ofHours(3)), key);
        rds.removeDatabase(SOURCE, "orders-prod");
        rds.addDatabase(SOURCE, "orders-prod", "postgres", key);
        deploy(rds, automated);

        CopyingSnapshot.Result r = runToEnd(rds, automated, RUN, RunProgress.START);

        assertThat(r.status()).isEqualTo(Decision.Status.FAILED);
        assertThat(r.message()).contains("no available automated snapshot");
        assertThat(rds.calls).noneMatch(c -> c.startsWith("copy"));
    }

    /**
     * A copy whose data RDS says came from another database than its run backed up (made before runs checked, or by
     * anyone who could copy into the backup account): retention neither keeps nor deletes it and names it, and
     * neither freshness nor a restore of "latest" counts it, however new it is.
     */
    @Test
    void aCopyWhoseLineageDoesNotCheckOut_countsForNothing_andIsNeverDeleted() {
        InMemoryRds rds = world();
        String orders = rds.resourceIdOf(SOURCE, "orders-prod");
        String junk = rds.resourceIdOf(SOURCE, "junk");
        clock.now = RUN.plus(Duration.ofDays(10));
        for (int d = 1; d <= 9; d++) {
            rds.put(copy(RUN.plus(Duration.ofDays(d)), orders, orders));
        }
        SnapshotInfo forged = copy(RUN.plus(Duration.ofDays(10)).minus(Duration.ofMinutes(30)), junk, orders);
        rds.put(forged);

        PruningSnapshots.Result pruned = new PruningSnapshots(rds, clock).prune(config, "orders", false);

        assertThat(pruned.untrusted()).containsOnlyKeys(forged.id());
        assertThat(pruned.untrusted().get(forged.id())).contains(junk).contains(orders);
        assertThat(pruned.kept()).doesNotContain(forged);
        assertThat(pruned.deleted()).doesNotContain(forged);
        assertThat(rds.all(VAULT)).contains(forged);

        NewestBackups.Newest newest = new NewestBackups(new InMemoryVault(), rds, clock).of(config, "orders");
        assertThat(newest.copy().snapshotId()).isNotEqualTo(forged.id());
        SnapshotInfo latest = new RestoringSnapshot(rds, clock).choose(config, "orders", "latest");
        assertThat(latest.id()).isNotEqualTo(forged.id());
        assertThat(latest.resourceId()).isEqualTo(orders);
    }

    @Test
    void whenEveryCopyIsOfAnotherDatabase_latestSaysSo_insteadOfRestoringJunk() {
        InMemoryRds rds = world();
        rds.put(copy(RUN, rds.resourceIdOf(SOURCE, "junk"), rds.resourceIdOf(SOURCE, "orders-prod")));
        clock.now = RUN.plus(Duration.ofHours(2));

        assertThatThrownBy(() -> new RestoringSnapshot(rds, clock).choose(config, "orders", "latest"))
                .isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining("another database")
                .satisfies(e -> assertThat(((BackupNotFoundException) e).hint()).contains("--from dump"));
    }

    /**
     * The attack replayed over 60 days: on every third day production plants that night's source name from a junk
     * database before the run. Every planted night is refused and reported; no copy of junk reaches the backup
     * account; and daily retention keeps exactly what the policy keeps of the genuine copies made.
     */
    @Test
    void sixtyNightsOfPlants_everyPlantRefused_noJunkKept_andRetentionKeepsWhatItKeepsOfTheGenuineCopies() {
        InMemoryRds rds = world();
        deploy(rds, config);
        String orders = rds.resourceIdOf(SOURCE, "orders-prod");
        List<SnapshotInfo> genuine = new ArrayList<>();
        Map<Integer, CopyingSnapshot.Result> planted = new HashMap<>();
        for (int day = 0; day < 60; day++) {
            Instant night = RUN.plus(Duration.ofDays(day));
            SnapshotRun run = new SnapshotRun("orders", night);
            if (day % 3 == 0) {
                clock.now = night.minus(Duration.ofMinutes(1));
                var admin = rds.iam;
                rds.iam = null; // production's administrator, with production's own rights
                rds.createSnapshot(SOURCE, DbKind.INSTANCE, "junk", run.sourceId(), Map.of());
                while (!rds.snapshot(SOURCE, DbKind.INSTANCE, run.sourceId())
                        .orElseThrow()
                        .available()) {
                    clock.advance(Duration.ofSeconds(1)); // RDS finishes the plant before the run
                }
                rds.iam = admin;
            }
            clock.now = night.plusSeconds(30);
            CopyingSnapshot.Result r = runToEnd(rds, config, night, RunProgress.START);
            if (day % 3 == 0) {
                planted.put(day, r);
            } else {
                assertThat(r.status()).as("night " + day + ": " + r.message()).isEqualTo(Decision.Status.DONE);
                genuine.add(rds.snapshot(VAULT, DbKind.INSTANCE, run.finalId()).orElseThrow());
            }
            new PruningSnapshots(rds, clock).prune(config, "orders", false, Integer.MAX_VALUE);
        }

        assertThat(planted).hasSize(20).allSatisfy((day, r) -> {
            assertThat(r.status()).isEqualTo(Decision.Status.FAILED);
            assertThat(r.planted()).isTrue();
        });
        List<SnapshotInfo> kept = rds.all(VAULT);
        assertThat(kept).allSatisfy(c -> assertThat(c.resourceId()).isEqualTo(orders));
        List<String> expected =
                RetentionPolicy.apply(config.database("orders").retention(), genuine, clock.instant(), Set.of())
                        .keep()
                        .stream()
                        .map(SnapshotInfo::id)
                        .toList();
        assertThat(kept).extracting(SnapshotInfo::id).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** A backup copy of orders taken at {@code at}, whose data is of {@code dataOf} and whose run backed up {@code runOf}. */
    private static SnapshotInfo copy(Instant at, String dataOf, String runOf) {
        String id = "lifeboat-orders-"
                + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmm")
                        .withZone(java.time.ZoneOffset.UTC)
                        .format(at);
        return SnapshotInfo.builder()
                .id(id)
                .arn("arn:aws:rds:eu-central-1:" + BACKUP + ":snapshot:" + id)
                .location(VAULT)
                .kind(DbKind.INSTANCE)
                .dbIdentifier("orders-prod")
                .status("available")
                .type("manual")
                .createdAt(at)
                .encrypted(true)
                .kmsKeyId("arn:aws:kms:eu-central-1:" + BACKUP + ":key/backup")
                .tags(Map.of(
                        Tags.MANAGED_BY, "lifeboat",
                        Tags.DATABASE, "orders",
                        Tags.ROLE, "backup",
                        Tags.SOURCE_RESOURCE_ID, runOf))
                .sharedWith(Set.of())
                .engine("postgres")
                .engineVersion("16.4")
                .percentProgress(100)
                .originalCreatedAt(at)
                .resourceId(dataOf)
                .build();
    }
}
