package dev.lifeboat.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.dump.BackupId;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.ManifestCodec;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.testing.InMemoryVault;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regression (issue 10, item 2): one bad manifest blocked the whole vault (a truncated one made list and
 * restore exit 70, a stray one exit 2) and a manifest dated in the future was "latest" forever.
 */
class BackupCatalogTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final InMemoryVault vault = new InMemoryVault();
    private final List<BackupCatalog.Skipped> warnings = new ArrayList<>();
    private final BackupCatalog catalog = new BackupCatalog(vault, Clock.fixed(NOW, ZoneOffset.UTC), warnings::add);

    /** A sound backup: its object, then its manifest naming it. */
    private DumpManifest backup(String db, String id, Instant finished, byte[] data) {
        BackupId backupId = new BackupId(id);
        String object = VaultLayout.objectKey(db, backupId, "0a0b0c0d", "pgdump");
        vault.objects.put(object, data);
        DumpManifest m = manifest(db, id, finished, object, data.length);
        vault.objects.put(VaultLayout.manifestKey(db, backupId), ManifestCodec.write(m));
        return m;
    }

    private static DumpManifest manifest(String db, String id, Instant finished, String object, long size) {
        return DumpManifest.builder()
                .manifestVersion(1)
                .backupId(id)
                .databaseId(db)
                .engine(DatabaseEngine.POSTGRESQL)
                .serverVersion("16.4")
                .dumpTool("pg_dump")
                .dumpToolVersion("pg_dump 17.2")
                .format("pg_dump-custom")
                .startedAt(finished.minusSeconds(60))
                .finishedAt(finished)
                .sizeBytes(size)
                .sha256("ab".repeat(32))
                .objectKey(object)
                .exactRowCountThreshold(100_000)
                .tables(List.of())
                .build();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void badManifests_areSkippedAndNamedOnce_andTheGoodBackupsStayUsable() {
        DumpManifest older = backup("orders", "20261123T030000Z", Instant.parse("2026-11-23T03:05:00Z"), bytes("one"));
        DumpManifest newest = backup("orders", "20261124T030000Z", Instant.parse("2026-11-24T03:05:00Z"), bytes("two"));
        // a truncated manifest
        DumpManifest third = manifest(
                "orders",
                "20261125T030000Z",
                Instant.parse("2026-11-25T03:05:00Z"),
                "dumps/orders/2026/11/25/20261125T030000Z.0a0b0c0d.pgdump",
                3);
        byte[] full = ManifestCodec.write(third);
        vault.objects.put(
                "dumps/orders/2026/11/25/20261125T030000Z.manifest.json", Arrays.copyOf(full, full.length / 2));
        // a stray object that only looks like a manifest
        vault.objects.put("dumps/orders/junk.manifest.json", bytes("{}"));
        // a manifest naming an object that is not there
        vault.objects.put(
                "dumps/orders/2026/11/25/20261125T040000Z.manifest.json",
                ManifestCodec.write(manifest(
                        "orders",
                        "20261125T040000Z",
                        Instant.parse("2026-11-25T04:05:00Z"),
                        "dumps/orders/2026/11/25/20261125T040000Z.0a0b0c0d.pgdump",
                        3)));
        // a manifest dated in the future, whose id sorts last
        backup("orders", "20261231T030000Z", Instant.parse("2026-12-31T03:05:00Z"), bytes("forged"));
        // a manifest that names another backup's bytes
        vault.objects.put(
                "dumps/orders/2026/11/25/20261125T050000Z.manifest.json",
                ManifestCodec.write(manifest(
                        "orders", "20261125T050000Z", Instant.parse("2026-11-25T05:05:00Z"), older.objectKey(), 3)));
        // a manifest of another database planted under this one
        vault.objects.put(
                "dumps/orders/2026/11/25/20261125T060000Z.manifest.json",
                ManifestCodec.write(manifest(
                        "billing",
                        "20261125T060000Z",
                        Instant.parse("2026-11-25T06:05:00Z"),
                        "dumps/orders/2026/11/25/20261125T060000Z.0a0b0c0d.pgdump",
                        3)));

        assertThat(catalog.backups("orders")).containsExactly(older, newest);
        assertThat(catalog.find("orders", "latest")).isEqualTo(newest);

        assertThat(warnings)
                .extracting(BackupCatalog.Skipped::key)
                .doesNotHaveDuplicates()
                .hasSize(6);
        assertThat(warnings)
                .extracting(w -> w.key() + " " + w.reason())
                .anyMatch(w -> w.startsWith("dumps/orders/2026/11/25/20261125T030000Z.manifest.json does not parse"))
                .anyMatch(w -> w.startsWith("dumps/orders/junk.manifest.json not a Lifeboat manifest name"))
                .anyMatch(w -> w.contains("20261125T040000Z.manifest.json names an object that is missing"))
                .anyMatch(w -> w.contains("20261231T030000Z.manifest.json is dated in the future"))
                .anyMatch(w -> w.contains("20261125T050000Z.manifest.json names an object outside its own backup"))
                .anyMatch(w -> w.contains("20261125T060000Z.manifest.json does not match its key"));
    }

    /**
     * Issue 38, item 4: a manifest of hundreds of MiB planted in the vault made {@code restore --backup latest} run
     * out of memory (exit 70): the catalog read every manifest whole. It is now skipped and named unread.
     */
    @Test
    void aHugePlantedManifest_isSkippedUnread_andLatestIsStillTheGoodBackup() {
        DumpManifest good = backup("orders", "20261124T030000Z", Instant.parse("2026-11-24T03:05:00Z"), bytes("two"));
        byte[] huge = new byte[(int) dev.lifeboat.core.port.Vault.SMALL_OBJECT_LIMIT + 1];
        Arrays.fill(huge, (byte) ' ');
        vault.objects.put("dumps/orders/2026/11/25/20261125T030000Z.manifest.json", huge);

        assertThat(catalog.find("orders", "latest")).isEqualTo(good);
        assertThat(warnings)
                .singleElement()
                .satisfies(w -> assertThat(w.key() + " " + w.reason())
                        .isEqualTo("dumps/orders/2026/11/25/20261125T030000Z.manifest.json is larger than 64 MiB: no"
                                + " manifest Lifeboat writes"));
    }

    @Test
    void latest_isTheBackupThatFinishedLast_notTheGreatestId() {
        DumpManifest slow = backup("orders", "20261125T030000Z", Instant.parse("2026-11-25T05:00:00Z"), bytes("slow"));
        backup("orders", "20261125T040000Z", Instant.parse("2026-11-25T04:10:00Z"), bytes("quick"));

        assertThat(catalog.find("orders", "latest")).isEqualTo(slow);
    }

    @Test
    void before_picksTheLastBackupFinishedByThatTime() {
        DumpManifest monday = backup("orders", "20261123T030000Z", Instant.parse("2026-11-23T03:05:00Z"), bytes("1"));
        backup("orders", "20261124T030000Z", Instant.parse("2026-11-24T03:05:00Z"), bytes("2"));

        assertThat(catalog.find("orders", "before:2026-11-24T00:00:00Z")).isEqualTo(monday);
        assertThatThrownBy(() -> catalog.find("orders", "before:2026-11-01T00:00:00Z"))
                .isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining("finished at or before 2026-11-01T00:00:00Z");
        assertThatThrownBy(() -> catalog.find("orders", "before:yesterday"))
                .isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining("'before:yesterday' is not a time");
    }

    @Test
    void anObjectOfAnotherSize_isNotListedNorLatest_butByNameItIsLeftToTheRestoreToCallCorrupt() {
        DumpManifest good = backup("orders", "20261122T030000Z", Instant.parse("2026-11-22T03:05:00Z"), bytes("ok"));
        DumpManifest m = backup("orders", "20261123T030000Z", Instant.parse("2026-11-23T03:05:00Z"), bytes("1234"));
        vault.objects.put(m.objectKey(), bytes("12"));

        assertThat(catalog.backups("orders")).containsExactly(good);
        assertThat(catalog.find("orders", "latest")).isEqualTo(good);
        assertThat(warnings)
                .singleElement()
                .extracting(BackupCatalog.Skipped::reason)
                .isEqualTo("names " + m.objectKey() + " of 4 bytes, but it holds 2");
        assertThat(catalog.find("orders", "20261123T030000Z")).isEqualTo(m);
    }

    @Test
    void aMissingObject_askedForByName_isNotUsable() {
        DumpManifest m = backup("orders", "20261123T030000Z", Instant.parse("2026-11-23T03:05:00Z"), bytes("1234"));
        vault.objects.remove(m.objectKey());

        assertThatThrownBy(() -> catalog.find("orders", "20261123T030000Z"))
                .isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining("is not usable: names an object that is missing");
    }

    @Test
    void onlyBadManifests_isNoUsableBackup_countingTheSkipped() {
        vault.objects.put("dumps/orders/2026/11/25/20261125T030000Z.manifest.json", bytes("{\"backupId\":"));

        assertThatThrownBy(() -> catalog.find("orders", "latest"))
                .isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining("no usable backup of database 'orders'")
                .hasMessageContaining("1 skipped");
    }
}
