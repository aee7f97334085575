package dev.lifeboat.core.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.ClientTooOldException;
import dev.lifeboat.core.error.DumpFailedException;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.stream.Sha256;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryVault;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class TakingDumpTest {
    private static final Instant NOW = Instant.parse("2026-11-25T03:00:07Z");
    private final InMemoryVault vault = new InMemoryVault();
    private final FakeInspector inspector = new FakeInspector();
    private final FakeDumpTools tools = new FakeDumpTools();
    private final TakingDump dumping =
            new TakingDump(vault, inspector, tools, Clock.fixed(NOW, ZoneOffset.UTC), TakingDump.Settings.DEFAULTS);
    private final DatabaseTarget pg =
            new DatabaseTarget(DatabaseEngine.POSTGRESQL, "db", 5432, "app", "u", Secret.of("p"));

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(7).nextBytes(b);
        return b;
    }

    @Test
    void dump_writesTheManifestLast_afterTheUploadCompleted() {
        tools.output = randomBytes(1_000_000);

        DumpManifest m = dumping.dump(new TakingDump.Command("orders", pg, "2026-11-25T03:00:00Z", null))
                .manifest();

        String object = m.objectKey();
        String manifest = "dumps/orders/2026/11/25/20261125T030000Z.manifest.json";
        assertThat(object).matches("dumps/orders/2026/11/25/20261125T030000Z\\.[0-9a-f]{8}\\.pgdump");
        assertThat(vault.events).containsExactly("start " + object, "complete " + object, "put " + manifest);
        assertThat(m.sizeBytes()).isEqualTo(1_000_000);
        Sha256 expected = new Sha256();
        expected.update(tools.output, 0, tools.output.length);
        assertThat(m.sha256()).isEqualTo(expected.hex());
        assertThat(m.tables()).extracting("table").containsExactly("orders");
        assertThat(m.serverVersion()).isEqualTo("16.4");
        assertThat(m.dumpToolVersion()).isEqualTo("pg_dump (PostgreSQL) 17.2");
        assertThat(ManifestCodec.read(vault.objects.get(manifest), manifest)).isEqualTo(m);
    }

    /**
     * The hostile review (issue 38): a manifest lists every table; one over the bound every reader keeps was written,
     * then skipped by every listing, so the database's newest backups were invisible and no alarm said why. Now the
     * writer refuses it, saying how large and why; the biggest manifest that is written is read back.
     */
    @Test
    void aManifestNoReaderWouldRead_isRefusedOnWrite_andTheLargestWrittenOneReadsBack() {
        String name = "t".repeat(60);
        inspector.tables.clear();
        for (int i = 0; i < 800_000; i++) {
            inspector.tables.add(new dev.lifeboat.core.model.TableRowCount("tenant_" + (i / 1000), name + i, i, true));
        }
        assertThatThrownBy(() -> dumping.dump(new TakingDump.Command("orders", pg, "2026-11-25T03:00:00Z", null)))
                .isInstanceOf(DumpFailedException.class)
                .hasMessageContaining("(800000 tables), more than the 64 MiB any reader reads")
                .hasMessageContaining("the backup was not recorded");
        assertThat(vault.objects.keySet()).noneMatch(k -> k.endsWith(".manifest.json"));

        inspector.tables.subList(400_000, inspector.tables.size()).clear();
        DumpManifest m = dumping.dump(new TakingDump.Command("orders", pg, "2026-11-25T03:00:00Z", null))
                .manifest();
        String key = "dumps/orders/2026/11/25/20261125T030000Z.manifest.json";
        assertThat(vault.objects.get(key).length).isGreaterThan(8 << 20); // over the old bound, which hid it
        assertThat(ManifestCodec.read(vault.read(key).orElseThrow(), key).tables())
                .hasSize(400_000);
        assertThat(m.tables()).hasSize(400_000);
    }

    @Test
    void sameRunInvokedTwice_makesOneBackup() {
        TakingDump.Result first = dumping.dump(new TakingDump.Command("orders", pg, "2026-11-25T03:00:00Z", null));
        TakingDump.Result second = dumping.dump(new TakingDump.Command("orders", pg, "2026-11-25T03:00:00.000Z", null));

        assertThat(first.alreadyExisted()).isFalse();
        assertThat(second.alreadyExisted()).isTrue();
        assertThat(second.manifest()).isEqualTo(first.manifest());
        assertThat(tools.dumpsStarted).isEqualTo(1);
    }

    @Test
    void concurrentInvocationFinishingFirst_keepsItsManifest() {
        String manifestKey = "dumps/orders/2026/11/25/20261125T030000Z.manifest.json";
        DumpManifest other = dumping.dump(new TakingDump.Command("orders", pg, "2026-11-25T03:00:00Z", null))
                .manifest();
        vault.events.clear();
        // The second invocation saw no manifest when it started, then lost the race to write one.
        InMemoryVault racing = new InMemoryVault() {
            private boolean firstRead = true;

            @Override
            public synchronized Optional<byte[]> read(String key) {
                if (firstRead) {
                    firstRead = false;
                    return Optional.empty();
                }
                return super.read(key);
            }
        };
        racing.objects.put(manifestKey, ManifestCodec.write(other));
        byte[] othersBytes = vault.objects.get(other.objectKey()).clone();
        racing.objects.put(other.objectKey(), othersBytes);
        tools.output = "different bytes of a later moment".getBytes(StandardCharsets.UTF_8);

        TakingDump.Result r = new TakingDump(
                        racing, inspector, tools, Clock.fixed(NOW, ZoneOffset.UTC), TakingDump.Settings.DEFAULTS)
                .dump(new TakingDump.Command("orders", pg, "2026-11-25T03:00:00Z", null));

        assertThat(r.alreadyExisted()).isTrue();
        assertThat(r.manifest()).isEqualTo(other);
        assertThat(ManifestCodec.read(racing.objects.get(manifestKey), manifestKey))
                .isEqualTo(other);
        // Regression (issue 10): the loser wrote its bytes under a key of its own; the winner's bytes, which
        // the manifest vouches for, are untouched.
        assertThat(racing.objects.get(other.objectKey())).isEqualTo(othersBytes);
        assertThat(racing.objects.keySet())
                .filteredOn(k -> k.endsWith(".pgdump"))
                .hasSize(2)
                .anyMatch(k -> !k.equals(other.objectKey()));
    }

    @Test
    void onDemandBackups_getDistinctIds() {
        DumpManifest a =
                dumping.dump(new TakingDump.Command("orders", pg, null, null)).manifest();
        DumpManifest b =
                dumping.dump(new TakingDump.Command("orders", pg, null, null)).manifest();

        assertThat(a.backupId()).startsWith("20261125T030007Z-").isNotEqualTo(b.backupId());
    }

    @Test
    void dumpToolFailing_abortsTheUpload_andWritesNoManifest() {
        tools.dumpFailure = "pg_dump failed with exit code 1: pg_dump: error: connection lost";

        assertThatThrownBy(() -> dumping.dump(new TakingDump.Command("orders", pg, null, null)))
                .isInstanceOf(DumpFailedException.class)
                .hasMessageContaining("connection lost");
        assertThat(vault.events).hasSize(2).last().asString().startsWith("abort ");
        assertThat(vault.objects).isEmpty();
    }

    @Test
    void vaultRefusingAWrite_stopsTheDumpTool_abortsTheUpload_andWritesNoManifest() {
        tools.output = randomBytes(3_000_000);
        vault.failWritesAfterBytes = 1_000_000;

        assertThatThrownBy(() -> dumping.dump(new TakingDump.Command("orders", pg, null, null)))
                .isInstanceOf(VaultException.class)
                .hasMessageContaining("injected: the vault refused a part");
        assertThat(tools.dumpKilled).isTrue();
        assertThat(vault.events).last().asString().startsWith("abort ");
        assertThat(vault.objects).isEmpty();
    }

    @Test
    void clientOlderThanServer_isRefusedBeforeAnUploadStarts() {
        inspector.serverVersion = "18.1";

        assertThatThrownBy(() -> dumping.dump(new TakingDump.Command("orders", pg, null, null)))
                .isInstanceOf(ClientTooOldException.class)
                .hasMessage("pg_dump 17.2.0 is older than the PostgreSQL server 18.1.0 it would dump");
        assertThat(vault.events).isEmpty();
        assertThat(tools.dumpsStarted).isZero();
    }

    @Test
    void mariadbDumps_areGzippedOnTheWay_andTheChecksumCoversTheStoredBytes() throws IOException {
        tools.output = "INSERT INTO t VALUES (1);\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        tools.version = "mariadb-dump from 11.4.2-MariaDB, client 10.19 for Linux (x86_64)";
        inspector.serverVersion = "11.4.2-MariaDB";
        DatabaseTarget maria = new DatabaseTarget(DatabaseEngine.MARIADB, "db", 3306, "shop", "u", Secret.none());

        DumpManifest m =
                dumping.dump(new TakingDump.Command("shop", maria, null, null)).manifest();

        byte[] stored = vault.objects.get(m.objectKey());
        assertThat(m.objectKey()).endsWith(".sql.gz");
        assertThat(stored.length).isEqualTo(m.sizeBytes()).isLessThan(tools.output.length / 10);
        Sha256 sha = new Sha256();
        sha.update(stored, 0, stored.length);
        assertThat(m.sha256()).isEqualTo(sha.hex());
        assertThat(new GZIPInputStream(new ByteArrayInputStream(stored)).readAllBytes())
                .isEqualTo(tools.output);
    }

    @Test
    void databaseIdThatCannotBeAPath_isRejectedBeforeAnythingHappens() {
        assertThatThrownBy(() -> dumping.dump(new TakingDump.Command("../etc", pg, null, null)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("database id '../etc'");
        assertThat(vault.events).isEmpty();
    }

    @Test
    void runIdThatIsNotATime_isRejectedNamingTheField() {
        assertThatThrownBy(() -> dumping.dump(new TakingDump.Command("orders", pg, "yesterday", null)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("runId 'yesterday'");
        assertThat(vault.events).isEmpty();
    }

    /**
     * Issue 40: a MariaDB dump with binary logging on records its binlog position (MariaDB's client reads it without a
     * lock); one with it off, and any MySQL dump (whose client would take FLUSH TABLES WITH READ LOCK), does not ask.
     */
    @Test
    void aMariaDbDumpWithBinaryLoggingOn_recordsItsBinlogPosition_andNothingElseAsksForOne() {
        DatabaseTarget maria = new DatabaseTarget(DatabaseEngine.MARIADB, "db", 3306, "shop", "u", Secret.none());
        inspector.binlogOn = true;
        DumpManifest m = dumping.dump(new TakingDump.Command("shop", maria, "2026-11-25T03:00:00Z", null))
                .manifest();
        assertThat(m.binlog()).isEqualTo(new DumpManifest.Binlog("binlog.000042", 1234, "shop", tools.mark.seenAt()));
        assertThat(ManifestCodec.read(ManifestCodec.write(m), "k").binlog()).isEqualTo(m.binlog());

        DatabaseTarget mysql = new DatabaseTarget(DatabaseEngine.MYSQL, "db", 3306, "shop", "u", Secret.none());
        DumpManifest plain = dumping.dump(new TakingDump.Command("mysql-shop", mysql, "2026-11-25T03:00:00Z", null))
                .manifest();
        assertThat(plain.binlog()).isNull();
        assertThat(tools.binlogMarked).isEqualTo(1);

        inspector.binlogOn = false;
        assertThat(dumping.dump(new TakingDump.Command("shop-2", maria, "2026-11-25T03:00:00Z", null))
                        .manifest()
                        .binlog())
                .isNull();
        assertThat(tools.binlogMarked).isEqualTo(1);
    }

    /** A dump whose tool printed no position is not recorded: restores to a moment would start from nowhere. */
    @Test
    void aMarkedDumpWhoseToolPrintedNoPosition_isNotRecorded() {
        DatabaseTarget maria = new DatabaseTarget(DatabaseEngine.MARIADB, "db", 3306, "shop", "u", Secret.none());
        inspector.binlogOn = true;
        tools.mark = null;
        assertThatThrownBy(() -> dumping.dump(new TakingDump.Command("shop", maria, "2026-11-25T03:00:00Z", null)))
                .isInstanceOf(DumpFailedException.class)
                .hasMessageContaining("did not record the dump's binlog position");
        assertThat(vault.objects.keySet()).noneMatch(VaultLayout::isManifest);
    }
}
