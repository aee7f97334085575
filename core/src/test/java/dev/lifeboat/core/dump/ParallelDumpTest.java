package dev.lifeboat.core.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.DumpFailedException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.model.TableSize;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.core.stream.Sha256;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryVault;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a parallel dump is a schema part and data parts, all read at one exported snapshot; the manifest, written
 * last, names every part with its size and SHA-256, and a failure of any part leaves no manifest and no open upload.
 */
class ParallelDumpTest {
    private static final Instant NOW = Instant.parse("2026-11-26T03:00:07Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final InMemoryVault vault = new InMemoryVault();
    private final FakeInspector inspector = new FakeInspector();
    private final FakeDumpTools tools = new FakeDumpTools();
    private final DatabaseTarget pg =
            new DatabaseTarget(DatabaseEngine.POSTGRESQL, "db", 5432, "app", "u", Secret.of("p"));

    {
        inspector.tableSizes = List.of(
                new TableSize("public", "events", 900),
                new TableSize("public", "orders", 500),
                new TableSize("public", "users", 300),
                new TableSize("billing", "invoices", 100));
    }

    private TakingDump.Result dump(int jobs) {
        return new TakingDump(vault, inspector, tools, clock, TakingDump.Settings.DEFAULTS.withJobs(jobs))
                .dump(new TakingDump.Command("orders", pg, "2026-11-26T03:00:00Z", null));
    }

    private static String sha(byte[] b) {
        Sha256 s = new Sha256();
        s.update(b, 0, b.length);
        return s.hex();
    }

    @Test
    void twoJobs_aSchemaPartAndTwoDataParts_atOneSnapshot_namedByTheManifestWrittenLast() {
        DumpManifest m = dump(2).manifest();

        assertThat(inspector.snapshotsExported).hasSize(1);
        String snapshot = inspector.snapshotsExported.getFirst();
        assertThat(inspector.snapshotsHeld)
                .as("the snapshot is released when the dump ends")
                .isEmpty();
        assertThat(tools.slicesStarted).hasSize(3).allMatch(s -> s.snapshot().equals(snapshot));
        assertThat(m.manifestVersion()).isEqualTo(DumpManifest.PARALLEL_VERSION);
        assertThat(m.parallel()).isTrue();
        assertThat(new String(vault.objects.get(m.objectKey()), StandardCharsets.UTF_8))
                .isEqualTo("schema@" + snapshot);
        assertThat(m.parts()).extracting(DumpManifest.Part::name).containsExactly("data-1", "data-2");
        // Part 1 is everything but part 2's tables (so large objects and sequences come along); part 2 names its own.
        String one = new String(vault.objects.get(m.parts().get(0).objectKey()), StandardCharsets.UTF_8);
        String two = new String(vault.objects.get(m.parts().get(1).objectKey()), StandardCharsets.UTF_8);
        assertThat(one).startsWith("data-except[");
        assertThat(two).startsWith("data-only[");
        assertThat(one.substring("data-except".length())).isEqualTo(two.substring("data-only".length()));
        for (DumpManifest.Part p : m.parts()) {
            byte[] stored = vault.objects.get(p.objectKey());
            assertThat(p.sizeBytes()).isEqualTo(stored.length);
            assertThat(p.sha256()).isEqualTo(sha(stored));
            assertThat(p.objectKey()).startsWith("dumps/orders/2026/11/26/20261126T030000Z.");
        }
        assertThat(m.sha256()).isEqualTo(sha(vault.objects.get(m.objectKey())));
        assertThat(vault.events.getLast()).isEqualTo("put " + VaultLayout.manifestKey("orders", m.id()));
        assertThat(m.totalBytes())
                .isEqualTo(m.sizeBytes()
                        + m.parts().stream()
                                .mapToLong(DumpManifest.Part::sizeBytes)
                                .sum());
        // The catalog lists it and finds it by id.
        assertThat(new BackupCatalog(vault, clock).find("orders", "latest")).isEqualTo(m);
    }

    @Test
    void anyPartFailing_leavesNoManifest_noCompletedPart_andNoOpenUpload() {
        tools.failSlice = s -> !s.schema() && !s.only().isEmpty();

        assertThatThrownBy(() -> dump(2))
                .isInstanceOf(DumpFailedException.class)
                .hasMessageContaining("injected failure of data-only");

        assertThat(vault.objects).isEmpty();
        assertThat(vault.openUploads).isEmpty();
        assertThat(vault.events).noneMatch(e -> e.startsWith("complete ") || e.startsWith("put "));
        assertThat(inspector.snapshotsHeld).isEmpty();
        assertThat(new BackupCatalog(vault, clock).backups("orders")).isEmpty();
    }

    /** Found by measuring memory: one part out of heap left the others waiting at the barrier for ever. */
    @Test
    @org.junit.jupiter.api.Timeout(20)
    void aPartThatRunsOutOfMemory_failsTheDump_insteadOfHangingIt() {
        tools.errorSlice = s -> !s.schema() && !s.only().isEmpty();

        assertThatThrownBy(() -> dump(2))
                .isInstanceOf(DumpFailedException.class)
                .hasMessageContaining("OutOfMemoryError")
                .satisfies(e -> assertThat(((DumpFailedException) e).describe()).contains("--jobs"));

        assertThat(vault.objects).isEmpty();
        assertThat(vault.openUploads).isEmpty();
        assertThat(inspector.snapshotsHeld).isEmpty();
    }

    @Test
    void aMissingOrResizedPart_makesTheBackupUnusable_notPartlyRestorable() {
        DumpManifest m = dump(3).manifest();
        List<BackupCatalog.Skipped> skipped = new java.util.ArrayList<>();
        vault.objects.remove(m.parts().getLast().objectKey());

        assertThat(new BackupCatalog(vault, clock, skipped::add).backups("orders"))
                .isEmpty();
        assertThat(skipped)
                .singleElement()
                .satisfies(s -> assertThat(s.reason())
                        .contains("missing")
                        .contains(m.parts().getLast().objectKey()));
    }

    @Test
    void oneTable_orAToolThatCannotSlice_isOneStream() {
        inspector.tableSizes = List.of(new TableSize("public", "orders", 10));
        assertThat(dump(4).manifest().parallel()).isFalse();
        assertThat(inspector.snapshotsHeld).isEmpty();
        tools.sliceable = false;
        inspector.tableSizes = null;
        inspector.tables.add(new dev.lifeboat.core.model.TableRowCount("public", "users", 1, true));
        int exported = inspector.snapshotsExported.size();
        assertThat(new TakingDump(vault, inspector, tools, clock, TakingDump.Settings.DEFAULTS.withJobs(4))
                        .dump(new TakingDump.Command("orders", pg, "2026-11-27T03:00:00Z", null))
                        .manifest()
                        .parallel())
                .isFalse();
        assertThat(inspector.snapshotsExported).hasSize(exported);
    }

    @Test
    void aManifestOfANewerVersion_isSkipped_sayingToUpgrade() {
        DumpManifest m = dump(2).manifest();
        DumpManifest newer = DumpManifest.builder()
                .manifestVersion(DumpManifest.NEWEST_KNOWN_VERSION + 1)
                .backupId(m.backupId())
                .databaseId(m.databaseId())
                .engine(m.engine())
                .serverVersion(m.serverVersion())
                .dumpTool(m.dumpTool())
                .dumpToolVersion(m.dumpToolVersion())
                .format(m.format())
                .startedAt(m.startedAt())
                .finishedAt(m.finishedAt())
                .sizeBytes(m.sizeBytes())
                .sha256(m.sha256())
                .objectKey(m.objectKey())
                .objectVersionId(m.objectVersionId())
                .exactRowCountThreshold(m.exactRowCountThreshold())
                .tables(m.tables())
                .compression(m.compression())
                .parts(m.parts())
                .writtenBy(m.writtenBy())
                .build();
        vault.objects.put(VaultLayout.manifestKey("orders", m.id()), ManifestCodec.write(newer));
        List<BackupCatalog.Skipped> skipped = new java.util.ArrayList<>();

        assertThat(new BackupCatalog(vault, clock, skipped::add).backups("orders"))
                .isEmpty();
        assertThat(skipped)
                .singleElement()
                .satisfies(s -> assertThat(s.reason()).contains("newer Lifeboat"));
    }
}
