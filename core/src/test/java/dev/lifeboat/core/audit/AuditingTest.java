package dev.lifeboat.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.IncidentForwarding;
import dev.lifeboat.core.port.RdsDatabases.Protection;
import dev.lifeboat.core.shape.ShapeRecords;
import dev.lifeboat.core.shape.ShapeRecordsTest;
import dev.lifeboat.core.testing.Copies;
import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.IamModel;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.testing.TestSettings;
import dev.lifeboat.protocol.Names;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit's rules on the in-memory RDS and vault (AuditCommandIT runs it against moto's RDS). */
class AuditingTest {
    private static final Location PROD = new Location(TestSettings.PROD, "eu-west-1");
    private static final Location BACKUP = new Location(TestSettings.BACKUP, "eu-central-1");

    /** orders with snapshot and dump schedules. */
    private static LifeboatConfig scheduled() {
        LifeboatConfig c = TestSettings.orders();
        LifeboatConfig.Database d = c.database("orders");
        return LifeboatConfig.builder()
                .backup(c.backup())
                .databases(Map.of(
                        "orders",
                        new LifeboatConfig.Database(
                                d.id(),
                                d.engine(),
                                d.source(),
                                d.snapshot(),
                                d.retention(),
                                LifeboatConfig.Schedules.builder()
                                        .snapshot("cron(0 3 * * ? *)")
                                        .dump("cron(30 3 * * ? *)")
                                        .build(),
                                d.dump(),
                                d.verify())))
                .document("{}")
                .build();
    }

    @Test
    void staleCopiesAndDumps_areHigh_freshOnesAreNotReported() {
        InMemoryVault vault = new InMemoryVault();
        DumpManifest m = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);
        MutableClock clock = new MutableClock(m.startedAt().plus(Duration.ofHours(30)));
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null));

        List<Auditing.Finding> stale = new Auditing(rds, null, vault, clock).audit(scheduled());
        assertThat(stale)
                .extracting(Auditing.Finding::problem)
                .anyMatch(p -> p.startsWith("no snapshot copy of orders newer than 26 h"))
                .anyMatch(p -> p.startsWith("no good dump of orders newer than 26 h"));

        rds.put(Copies.lifeboatCopy(
                BACKUP, "orders", "lifeboat-orders-x", clock.instant().minus(Duration.ofHours(2))));
        clock.now = m.startedAt().plus(Duration.ofHours(3));
        // Issue 14: the newest copy without its shape record restores with RDS's defaults.
        assertThat(new Auditing(rds, null, vault, clock).audit(scheduled()))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.kind()).isEqualTo(Auditing.Kind.NO_SHAPE);
                    assertThat(f.severity()).isEqualTo(Auditing.Severity.MEDIUM);
                    assertThat(f.problem()).contains("lifeboat-orders-x", "no readable shape record");
                });
        ShapeRecords.record(vault, ShapeRecordsTest.shape("db.r6g.large", "1", clock.instant()), "lifeboat-orders-x");
        assertThat(new Auditing(rds, null, vault, clock).audit(scheduled())).isEmpty();
    }

    /** Issue 39: a dump or shape record written by a newer Lifeboat than the audit's own is a finding, by name. */
    @Test
    void aBackupWrittenByANewerLifeboat_isNamed_soTheAuditIsNotTrustedBlindly() {
        InMemoryVault vault = new InMemoryVault();
        DumpManifest m = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);
        MutableClock clock = new MutableClock(m.startedAt().plus(Duration.ofHours(3)));
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null));
        rds.put(Copies.lifeboatCopy(
                BACKUP, "orders", "lifeboat-orders-x", clock.instant().minus(Duration.ofHours(2))));
        ShapeRecords.record(vault, ShapeRecordsTest.shape("db.r6g.large", "1", clock.instant()), "lifeboat-orders-x");
        assertThat(new Auditing(rds, null, vault, clock).audit(scheduled())).isEmpty();

        String manifest = dev.lifeboat.core.dump.VaultLayout.manifestKey("orders", m.id());
        String shape = ShapeRecords.key("orders", "lifeboat-orders-x");
        for (String key : List.of(manifest, shape)) {
            String json = new String(vault.objects.get(key), java.nio.charset.StandardCharsets.UTF_8);
            vault.objects.put(
                    key,
                    json.replaceFirst("\"writtenBy\" ?: ?\"[^\"]*\"", "\"writtenBy\" : \"99.0.0\"")
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        assertThat(new Auditing(rds, null, vault, clock).audit(scheduled()))
                .hasSize(2)
                .allSatisfy(f -> {
                    assertThat(f.kind()).isEqualTo(Auditing.Kind.NEWER_WRITER);
                    assertThat(f.severity()).isEqualTo(Auditing.Severity.MEDIUM);
                    assertThat(f.problem()).contains("written by Lifeboat 99.0.0, newer than this");
                    assertThat(f.fix()).contains("Lifeboat 99.0.0 or newer");
                })
                .extracting(Auditing.Finding::problem)
                .anyMatch(p -> p.contains("newest dump " + m.backupId()))
                .anyMatch(p -> p.contains("shape record of lifeboat-orders-x"));
    }

    @Test
    void aWriterVersionTooLargeForAnInt_isStillNewer_andTheAuditGoesOn() {
        InMemoryVault vault = new InMemoryVault();
        DumpManifest m = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);
        MutableClock clock = new MutableClock(m.startedAt().plus(Duration.ofHours(3)));
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null));
        rds.put(Copies.lifeboatCopy(
                BACKUP, "orders", "lifeboat-orders-x", clock.instant().minus(Duration.ofHours(2))));
        ShapeRecords.record(vault, ShapeRecordsTest.shape("db.r6g.large", "1", clock.instant()), "lifeboat-orders-x");
        String key = dev.lifeboat.core.dump.VaultLayout.manifestKey("orders", m.id());
        String json = new String(vault.objects.get(key), java.nio.charset.StandardCharsets.UTF_8);
        vault.objects.put(
                key,
                json.replaceFirst("\"writtenBy\" ?: ?\"[^\"]*\"", "\"writtenBy\" : \"99999999999.0.0\"")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(new Auditing(rds, null, vault, clock).audit(scheduled()))
                .extracting(Auditing.Finding::kind)
                .contains(Auditing.Kind.NEWER_WRITER);
    }

    /** orders (PostgreSQL) with dump.stream and no schedules. */
    private static LifeboatConfig streamedOrders() {
        LifeboatConfig c = TestSettings.orders();
        LifeboatConfig.Database d = c.database("orders");
        LifeboatConfig.DumpSettings streamed = LifeboatConfig.DumpSettings.builder()
                .secretArn("arn:aws:secretsmanager:eu-west-1:" + TestSettings.PROD + ":secret:orders-AbCdEf")
                .stream(LifeboatConfig.StreamSettings.DEFAULT)
                .build();
        return LifeboatConfig.builder()
                .backup(c.backup())
                .databases(Map.of(
                        "orders",
                        new LifeboatConfig.Database(
                                d.id(),
                                d.engine(),
                                d.source(),
                                d.snapshot(),
                                d.retention(),
                                LifeboatConfig.Schedules.builder().build(),
                                streamed,
                                d.verify())))
                .document("{}")
                .build();
    }

    /**
     * Issues 40 and 41: a streamed database's change archive, judged from the backup account, whose alarms production
     * cannot silence: empty or older than the hour (or its lagAlarm, if longer) is HIGH, and so is a newest segment
     * dated in the future, which Lifeboat's streamer did not write.
     */
    @Test
    void aStreamedDatabasesChangeArchive_thatStopped_orIsDatedInTheFuture_isHigh() {
        LifeboatConfig config = streamedOrders();
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-07T03:00:00Z"));
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null));
        InMemoryVault vault = new InMemoryVault();

        assertThat(new Auditing(rds, null, vault, clock).audit(config))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.kind()).isEqualTo(Auditing.Kind.STALE_CHANGES);
                    assertThat(f.severity()).isEqualTo(Auditing.Severity.HIGH);
                    assertThat(f.problem()).contains("orders", "the archive is empty");
                    assertThat(f.fix()).contains("lifeboat-stream-orders");
                });

        // The streamer runs: a fresh archive is not reported.
        var server = new dev.lifeboat.core.testing.FakeChangeServer();
        server.clock = clock;
        var source = new dev.lifeboat.core.model.DatabaseTarget(
                dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL,
                "db",
                5432,
                "orders",
                "u",
                dev.lifeboat.core.model.Secret.none());
        server.createSlot(source, "lifeboat_orders");
        server.transaction(2);
        var archive = new dev.lifeboat.core.changes.ChangeArchive(vault);
        dev.lifeboat.core.testing.Archiving.untilArchived(vault, server, "orders", source);
        assertThat(new Auditing(rds, null, vault, clock).audit(config)).isEmpty();

        // It stopped: past the hour, the archive is stale.
        clock.advance(Duration.ofMinutes(61));
        assertThat(new Auditing(rds, null, vault, clock).audit(config))
                .singleElement()
                .satisfies(f -> assertThat(f.problem()).contains("no change segment of orders holds the last 1 h"));

        // A manifest dated a day ahead (planted by whoever can write the account's space) is not believed.
        var last = archive.last("orders").orElseThrow();
        var forged = new dev.lifeboat.core.changes.ChangeSegment(
                last.manifestVersion(),
                last.databaseId(),
                last.systemId(),
                last.slot(),
                last.endLsn(),
                last.endLsn(),
                null,
                null,
                0,
                0,
                0,
                null,
                null,
                null,
                clock.instant().plus(Duration.ofDays(1)),
                last.writtenBy(),
                last.sequences(),
                last.fingerprint(),
                last.withoutIdentity(),
                null);
        assertThat(vault.putIfAbsent(
                        "changes/orders/" + String.format("%016X", forged.start()) + ".segment.json",
                        dev.lifeboat.core.binlog.BinlogCodec.write(forged)))
                .isTrue();
        assertThat(archive.last("orders")).contains(forged);
        assertThat(new Auditing(rds, null, vault, clock).audit(config))
                .singleElement()
                .satisfies(f -> assertThat(f.problem()).contains("in the future", "did not write it"));
    }

    /** {@code shape} with its parameter group setting rds.logical_replication and max_slot_wal_keep_size. */
    private static dev.lifeboat.core.model.DatabaseShape withParameters(
            dev.lifeboat.core.model.DatabaseShape shape, String logicalReplication, String maxSlotWalKeepSize) {
        return new dev.lifeboat.core.model.DatabaseShape(
                shape.version(),
                shape.databaseId(),
                shape.kind(),
                shape.identifier(),
                shape.account(),
                shape.region(),
                shape.recordedAt(),
                shape.engine(),
                shape.engineVersion(),
                shape.instanceClass(),
                shape.storage(),
                shape.multiAz(),
                shape.port(),
                shape.network(),
                new dev.lifeboat.core.model.DatabaseShape.ParameterGroup(
                        "pg",
                        "postgres16",
                        List.of(
                                new dev.lifeboat.core.model.DatabaseShape.Parameter(
                                        "rds.logical_replication", logicalReplication, "pending-reboot"),
                                new dev.lifeboat.core.model.DatabaseShape.Parameter(
                                        "max_slot_wal_keep_size", maxSlotWalKeepSize, "immediate"))),
                shape.optionGroup(),
                shape.iamAuthentication(),
                shape.performanceInsights(),
                shape.backupRetentionDays(),
                shape.deletionProtection(),
                shape.copyTagsToSnapshot(),
                shape.caCertificate(),
                shape.tags(),
                shape.members());
    }

    /**
     * Issue 41: a streamed PostgreSQL database whose parameter group, as recorded with its newest copy, leaves logical
     * decoding off or the slot's WAL unbounded: the stream cannot run, and the audit says which value to set where.
     */
    @Test
    void aStreamedDatabaseWhoseRecordedParametersCannotFeedTheStream_isNamed_withTheValuesToSet() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-07T03:00:00Z"));
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null));
        InMemoryVault vault = new InMemoryVault();
        rds.put(Copies.lifeboatCopy(
                BACKUP, "orders", "lifeboat-orders-a", clock.instant().minus(Duration.ofHours(2))));
        ShapeRecords.record(vault, ShapeRecordsTest.shape("db.r6g.large", "1", clock.instant()), "lifeboat-orders-a");

        assertThat(new Auditing(rds, null, vault, clock).audit(streamedOrders()))
                .filteredOn(f -> f.kind() == Auditing.Kind.STREAM_NOT_POSSIBLE)
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Auditing.Severity.MEDIUM);
                    assertThat(f.problem())
                            .contains("in pg as recorded", "rds.logical_replication is not 1")
                            .contains("max_slot_wal_keep_size is unbounded");
                    assertThat(f.fix()).contains("DB parameter group pg", "rds.logical_replication=1", "reboot");
                });

        var shape = ShapeRecordsTest.shape("db.r6g.large", "1", clock.instant());
        var set = withParameters(shape, "1", "-1");
        rds.put(Copies.lifeboatCopy(
                BACKUP, "orders", "lifeboat-orders-b", clock.instant().minus(Duration.ofHours(1))));
        ShapeRecords.record(vault, set, "lifeboat-orders-b");
        assertThat(new Auditing(rds, null, vault, clock).audit(streamedOrders()))
                .filteredOn(f -> f.kind() == Auditing.Kind.STREAM_NOT_POSSIBLE)
                .singleElement()
                .satisfies(f -> assertThat(f.problem())
                        .doesNotContain("rds.logical_replication")
                        .contains("max_slot_wal_keep_size is unbounded"));

        var bounded = withParameters(set, "1", "10240");
        rds.put(Copies.lifeboatCopy(
                BACKUP, "orders", "lifeboat-orders-c", clock.instant().minus(Duration.ofMinutes(30))));
        ShapeRecords.record(vault, bounded, "lifeboat-orders-c");
        assertThat(new Auditing(rds, null, vault, clock).audit(streamedOrders()))
                .noneMatch(f -> f.kind() == Auditing.Kind.STREAM_NOT_POSSIBLE);
    }

    /**
     * Helper-12's find: a streamer catching up on a backlog writes its segments now; the archive is judged by what
     * its newest segment holds (commits two hours old), not by when it was written.
     */
    @Test
    void aStreamCatchingUpOnABacklog_isStale_byWhatItHolds() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-07T03:00:00Z"));
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null));
        InMemoryVault vault = new InMemoryVault();
        var server = new dev.lifeboat.core.testing.FakeChangeServer();
        server.clock = clock;
        var source = new dev.lifeboat.core.model.DatabaseTarget(
                dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL,
                "db",
                5432,
                "orders",
                "u",
                dev.lifeboat.core.model.Secret.none());
        server.createSlot(source, "lifeboat_orders");
        for (int i = 0; i < 120; i++) {
            server.transaction(1);
            clock.advance(Duration.ofMinutes(1));
        }
        var archive = new dev.lifeboat.core.changes.ChangeArchive(vault);
        new dev.lifeboat.core.changes.StreamingChanges(vault, server, clock, dev.lifeboat.core.testing.Archiving.FAST)
                .run("orders", source, () -> !archive.segments("orders").isEmpty());
        assertThat(archive.last("orders").orElseThrow().writtenAt())
                .isAfter(clock.instant().minusSeconds(60));

        assertThat(new Auditing(rds, null, vault, clock).audit(streamedOrders()))
                .filteredOn(f -> f.kind() == Auditing.Kind.STALE_CHANGES)
                .singleElement()
                .satisfies(f -> assertThat(f.problem()).contains("holds the last 1 h", "holds up to"));
    }

    @Test
    void anAwsManagedKeyWithoutAShareKey_isMedium() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-26T00:00:00Z"));
        InMemoryRds rds = new InMemoryRds(clock);
        InMemoryRds.Key aws = rds.addKey(TestSettings.PROD, "eu-west-1", "aws-rds", true);
        rds.addDatabase(PROD, "orders-prod", "postgres", aws.arn());
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, true, aws.arn()));
        var access = new IamModel().withDefaultPoliciesFor(rds).accessChecks();

        List<Auditing.Finding> f = new Auditing(rds, new Managed(access), null, clock).audit(TestSettings.orders());

        assertThat(f).singleElement().satisfies(x -> {
            assertThat(x.severity()).isEqualTo(Auditing.Severity.MEDIUM);
            assertThat(x.problem()).contains("AWS managed key aws/rds");
            assertThat(x.fix()).contains("source.shareKmsKeyArn");
        });
    }

    /** orders with the given schedules, and automated backups replicated to {@code replicatedTo} (null: none). */
    private static LifeboatConfig with(
            LifeboatConfig.Schedules schedules, String replicatedTo, LifeboatConfig.Audit audit) {
        LifeboatConfig c = TestSettings.orders();
        LifeboatConfig.Database d = c.database("orders");
        LifeboatConfig.Source s = d.source();
        return LifeboatConfig.builder()
                .backup(c.backup())
                .databases(Map.of(
                        "orders",
                        new LifeboatConfig.Database(
                                d.id(),
                                d.engine(),
                                new LifeboatConfig.Source(
                                        s.account(),
                                        s.region(),
                                        s.kind(),
                                        s.identifier(),
                                        s.roleArn(),
                                        s.externalId(),
                                        s.shareKmsKeyArn(),
                                        replicatedTo),
                                d.snapshot(),
                                d.retention(),
                                schedules,
                                d.dump(),
                                d.verify())))
                .document("{}")
                .audit(audit)
                .build();
    }

    /**
     * Issue 37: production controls the rules that forward the incident's calls, and could disable them before it
     * strikes. The audit, run from the backup account, reports each rule that is missing, disabled or sent elsewhere,
     * and says so when it cannot read them.
     */
    @Test
    void aSourceAccountsIncidentForwarding_missingDisabledOrRedirected_isHigh_andUnreadable_saysSo() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-26T00:00:00Z"));
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 14, false, null));
        LifeboatConfig config =
                with(LifeboatConfig.Schedules.builder().build(), null, new LifeboatConfig.Audit("rate(1 day)", 14, 8));
        String bus =
                Names.backupBusArn(config.backup().account(), config.backup().region());
        Map<String, IncidentForwarding.Rule> rules = new java.util.HashMap<>();
        Names.INCIDENT_RULES.forEach(n -> rules.put(n, new IncidentForwarding.Rule(n, true, true, List.of(bus))));
        List<Location> asked = new java.util.ArrayList<>();
        IncidentForwarding production = (where, name) -> {
            asked.add(where);
            return rules.get(name);
        };
        Auditing audit = new Auditing(rds, null, null, clock).withForwarding(production);

        assertThat(audit.audit(config))
                .as("every rule there, enabled, aimed at the backup bus")
                .isEmpty();
        assertThat(asked).containsOnly(PROD).hasSize(Names.INCIDENT_RULES.size());

        String missing = Names.INCIDENT_RULES.get(0);
        String disabled = Names.INCIDENT_RULES.get(1);
        String redirected = Names.INCIDENT_RULES.get(2);
        rules.put(missing, new IncidentForwarding.Rule(missing, false, false, List.of()));
        rules.put(disabled, new IncidentForwarding.Rule(disabled, true, false, List.of(bus)));
        rules.put(
                redirected,
                new IncidentForwarding.Rule(
                        redirected, true, true, List.of("arn:aws:events:eu-west-1:111111111111:event-bus/quiet")));
        List<Auditing.Finding> found = audit.audit(config);
        assertThat(found)
                .allSatisfy(f -> {
                    assertThat(f.severity()).isEqualTo(Auditing.Severity.HIGH);
                    assertThat(f.kind()).isEqualTo(Auditing.Kind.FORWARDING_OFF);
                    assertThat(f.where()).isEqualTo(PROD);
                })
                .extracting(Auditing.Finding::identifier)
                .containsExactlyInAnyOrder(missing, disabled, redirected);
        assertThat(found).extracting(Auditing.Finding::problem).anyMatch(p -> p.contains("is missing"));
        assertThat(found)
                .filteredOn(f -> f.identifier().equals(disabled))
                .singleElement()
                .satisfies(f -> assertThat(f.fix()).contains("aws events enable-rule --name " + disabled));
        assertThat(found)
                .filteredOn(f -> f.identifier().equals(redirected))
                .singleElement()
                .satisfies(f -> assertThat(f.problem()).contains(bus).contains("event-bus/quiet"));

        Auditing blind = new Auditing(rds, null, null, clock).withForwarding((where, name) -> {
            throw new IllegalStateException("AccessDenied: events:DescribeRule");
        });
        assertThat(blind.audit(config)).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Auditing.Kind.UNREADABLE);
            assertThat(f.severity()).isEqualTo(Auditing.Severity.HIGH);
            assertThat(f.problem())
                    .contains("cannot read the incident forwarding rules")
                    .contains("AccessDenied");
        });
    }

    @Test
    void retentionBelowTheConfiguredMinimum_isMedium_andZero_isHigh() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-26T00:00:00Z"));
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        LifeboatConfig config =
                with(LifeboatConfig.Schedules.builder().build(), null, new LifeboatConfig.Audit("rate(1 day)", 14, 8));

        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null));
        assertThat(new Auditing(rds, null, null, clock).audit(config))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Auditing.Severity.MEDIUM);
                    assertThat(f.problem())
                            .isEqualTo(
                                    "automated backups are kept 7 days, fewer than the 14 of audit.minBackupRetentionDays");
                    assertThat(f.fix()).isEqualTo("set backup_retention_period to 14 or more");
                });

        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 0, false, null));
        assertThat(new Auditing(rds, null, null, clock).audit(config))
                .singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Auditing.Severity.HIGH));

        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 14, false, null));
        assertThat(new Auditing(rds, null, null, clock).audit(config)).isEmpty();
    }

    @Test
    void aStoppedReplicationOfTheAutomatedBackups_isHigh_whereLifeboatYmlSaysItRuns() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-26T00:00:00Z"));
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        LifeboatConfig replicated =
                with(LifeboatConfig.Schedules.builder().build(), "eu-north-1", LifeboatConfig.Audit.DEFAULTS);

        rds.protection.put(
                "orders-prod",
                new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null, List.of("eu-north-1")));
        assertThat(new Auditing(rds, null, null, clock).audit(replicated)).isEmpty();

        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null));
        assertThat(new Auditing(rds, null, null, clock).audit(replicated))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Auditing.Severity.HIGH);
                    assertThat(f.problem())
                            .isEqualTo("the replication of its automated backups to eu-north-1 is stopped");
                    assertThat(f.fix())
                            .startsWith("aws rds start-db-instance-automated-backups-replication --region eu-north-1"
                                    + " --source-db-instance-arn arn:aws:rds:eu-west-1:111111111111:db:orders-prod");
                });
        // Not configured: not the audit's business.
        assertThat(new Auditing(rds, null, null, clock)
                        .audit(with(LifeboatConfig.Schedules.builder().build(), null, LifeboatConfig.Audit.DEFAULTS)))
                .isEmpty();
    }

    @Test
    void noPassedVerificationWithinTheDays_isMedium_aFailedOneDoesNotCount() {
        InMemoryVault vault = new InMemoryVault();
        java.time.Instant now = java.time.Instant.parse("2026-11-26T00:00:00Z");
        MutableClock clock = new MutableClock(now);
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null));
        LifeboatConfig config = with(
                LifeboatConfig.Schedules.builder().verify("cron(0 4 ? * SUN *)").build(),
                null,
                new LifeboatConfig.Audit("rate(6 hours)", 7, 8));

        assertThat(new Auditing(rds, null, vault, clock).audit(config))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Auditing.Severity.MEDIUM);
                    assertThat(f.problem()).isEqualTo("no verification run of orders passed within 8 days");
                });

        dev.lifeboat.core.testing.Reports.store(vault, "orders", now.minus(Duration.ofDays(2)), "c", null, false);
        assertThat(new Auditing(rds, null, vault, clock).audit(config)).hasSize(1);

        dev.lifeboat.core.testing.Reports.store(vault, "orders", now.minus(Duration.ofDays(9)), "b", null, true);
        assertThat(new Auditing(rds, null, vault, clock).audit(config))
                .singleElement()
                .satisfies(f -> assertThat(f.problem()).contains("(last: 2026-11-17T00:00:00Z)"));

        dev.lifeboat.core.testing.Reports.store(vault, "orders", now.minus(Duration.ofDays(3)), "a", null, true);
        assertThat(new Auditing(rds, null, vault, clock).audit(config)).isEmpty();
    }

    @Test
    void aDatabasesOwnMaxAge_isTheFreshnessItIsHeldTo() {
        InMemoryVault vault = new InMemoryVault();
        DumpManifest m = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);
        MutableClock clock = new MutableClock(m.startedAt().plus(Duration.ofHours(10)));
        InMemoryRds rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null));

        assertThat(new Auditing(rds, null, vault, clock)
                        .audit(with(
                                LifeboatConfig.Schedules.builder()
                                        .dump("cron(0 * * * ? *)")
                                        .maxAge(Duration.ofHours(12))
                                        .build(),
                                null,
                                LifeboatConfig.Audit.DEFAULTS)))
                .isEmpty();
        assertThat(new Auditing(rds, null, vault, clock)
                        .audit(with(
                                LifeboatConfig.Schedules.builder()
                                        .dump("cron(0 * * * ? *)")
                                        .maxAge(Duration.ofHours(6))
                                        .build(),
                                null,
                                LifeboatConfig.Audit.DEFAULTS)))
                .singleElement()
                .satisfies(f -> assertThat(f.problem()).startsWith("no good dump of orders newer than 6 h"));
    }

    /** The model's checks, with aws/rds reported as AWS managed (what KMS's DescribeKey says of it). */
    private record Managed(dev.lifeboat.core.port.AccessChecks inner) implements dev.lifeboat.core.port.AccessChecks {
        @Override
        public String reach(String account) {
            return inner.reach(account);
        }

        @Override
        public String describeKey(Location where, String keyArn) {
            return inner.describeKey(where, keyArn);
        }

        @Override
        public String keyManager(Location where, String keyArn) {
            return keyArn.endsWith("/aws-rds") ? "AWS" : "CUSTOMER";
        }

        @Override
        public Answer simulate(String roleArn, String action, String resourceArn, Map<String, List<String>> context) {
            return inner.simulate(roleArn, action, resourceArn, context);
        }

        @Override
        public List<SubnetRoutes> subnets(Location where, List<String> subnetIds) {
            return List.of();
        }

        @Override
        public List<Endpoint> endpoints(Location where, String vpcId) {
            return List.of();
        }

        @Override
        public List<SecurityGroup> securityGroups(Location where, List<String> ids) {
            return List.of();
        }
    }
}
