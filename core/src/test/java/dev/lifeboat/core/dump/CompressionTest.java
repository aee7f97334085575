package dev.lifeboat.core.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.Compression;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryVault;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Issue 13: compression as a choice with a fast default, recorded in the manifest. */
class CompressionTest {
    private final DatabaseTarget maria =
            new DatabaseTarget(DatabaseEngine.MARIADB, "prod", 3306, "shop", "u", Secret.none());
    private final DatabaseTarget pg =
            new DatabaseTarget(DatabaseEngine.POSTGRESQL, "prod", 5432, "app", "u", Secret.none());

    @Test
    void parse_acceptsTheCodecsAndLevels_andNamesTheFixForAnythingElse() {
        assertThat(Compression.parse(null)).isEqualTo(Compression.DEFAULT);
        assertThat(Compression.DEFAULT).hasToString("gzip:1");
        assertThat(Compression.parse("GZIP:9")).isEqualTo(new Compression(Compression.Codec.GZIP, 9));
        assertThat(Compression.parse("zstd")).hasToString("zstd:3");
        assertThat(Compression.parse("none")).isEqualTo(Compression.NONE);
        assertThat(Compression.parse("gzip:0").compresses()).isFalse();
        assertThatThrownBy(() -> Compression.parse("gzip:10"))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(((InvalidInputException) e).hint()).contains("0 to 9"));
        assertThatThrownBy(() -> Compression.parse("brotli")).hasMessageContaining("'brotli'");
        assertThatThrownBy(() -> Compression.parse("zstd:x")).hasMessageContaining("no number");
        assertThatThrownBy(() -> Compression.parse("none:1")).hasMessageContaining("takes no level");
    }

    private TakingDump taking(InMemoryVault vault, FakeDumpTools tools, Compression c) {
        return new TakingDump(
                vault, new FakeInspector(), tools, Clock.systemUTC(), TakingDump.Settings.DEFAULTS.withCompression(c));
    }

    @Test
    void aMariaDbDump_isGzippedAtTheChosenLevel_orStoredPlain_andTheManifestSaysWhich() throws IOException {
        FakeDumpTools tools = new FakeDumpTools();
        tools.output = "INSERT INTO t VALUES (1);\n".repeat(10_000).getBytes(StandardCharsets.UTF_8);

        InMemoryVault fast = new InMemoryVault();
        DumpManifest m1 = taking(fast, tools, Compression.DEFAULT)
                .dump(new TakingDump.Command("shop", maria, null, null))
                .manifest();
        InMemoryVault best = new InMemoryVault();
        DumpManifest m9 = taking(best, tools, Compression.parse("gzip:9"))
                .dump(new TakingDump.Command("shop", maria, null, null))
                .manifest();
        assertThat(m1.compression()).isEqualTo("gzip:1");
        assertThat(m9.compression()).isEqualTo("gzip:9");
        assertThat(m1.objectKey()).endsWith(".sql.gz");
        assertThat(m9.sizeBytes()).as("level 9 packs tighter than level 1").isLessThan(m1.sizeBytes());
        try (var in = new GZIPInputStream(new ByteArrayInputStream(fast.objects.get(m1.objectKey())))) {
            assertThat(in.readAllBytes()).isEqualTo(tools.output);
        }

        InMemoryVault plain = new InMemoryVault();
        DumpManifest none = taking(plain, tools, Compression.NONE)
                .dump(new TakingDump.Command("shop", maria, null, null))
                .manifest();
        assertThat(none.compression()).isEqualTo("none");
        assertThat(none.objectKey()).endsWith(".sql").doesNotEndWith(".gz");
        assertThat(none.gzipped()).isFalse();
        assertThat(plain.objects.get(none.objectKey())).isEqualTo(tools.output);
    }

    @Test
    void pgDump_getsTheCompressionItself_andAMethodLifeboatCannotApplyToMariaDb_isRefusedBeforeAnyUpload() {
        FakeDumpTools tools = new FakeDumpTools();
        InMemoryVault vault = new InMemoryVault();
        DumpManifest m = taking(vault, tools, Compression.parse("gzip:1"))
                .dump(new TakingDump.Command("orders", pg, null, null))
                .manifest();
        assertThat(tools.compressions).containsExactly(Compression.DEFAULT);
        assertThat(m.compression()).isEqualTo("gzip:1");

        InMemoryVault none = new InMemoryVault();
        assertThatThrownBy(() -> taking(none, new FakeDumpTools(), Compression.parse("lz4:3"))
                        .dump(new TakingDump.Command("shop", maria, null, null)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("lz4:3")
                .satisfies(e -> assertThat(((InvalidInputException) e).hint()).contains("gzip:1", "zstd:N"));
        FakeDumpTools withoutZstd = new FakeDumpTools();
        withoutZstd.zstdAvailable = false;
        assertThatThrownBy(() -> taking(none, withoutZstd, Compression.parse("zstd:1"))
                        .dump(new TakingDump.Command("shop", maria, null, null)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("zstd:1");
        assertThat(none.objects).isEmpty();
        assertThat(none.events).isEmpty();
    }

    /**
     * A .zst object under a manifest of a version before zstd (planted, or written by hand): an older reader would
     * load the compressed bytes as SQL, so the catalog skips it, saying why, instead of offering it.
     */
    @Test
    void aZstObject_underAManifestOfAnOlderVersion_isSkipped() {
        FakeDumpTools tools = new FakeDumpTools();
        InMemoryVault vault = new InMemoryVault();
        DumpManifest m = taking(vault, tools, Compression.parse("zstd:1"))
                .dump(new TakingDump.Command("shop", maria, null, null))
                .manifest();
        DumpManifest older = DumpManifest.builder()
                .manifestVersion(DumpManifest.CURRENT_VERSION)
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
        vault.objects.put(VaultLayout.manifestKey("shop", m.id()), ManifestCodec.write(older));
        java.util.List<dev.lifeboat.core.restore.BackupCatalog.Skipped> skipped = new java.util.ArrayList<>();

        assertThat(new dev.lifeboat.core.restore.BackupCatalog(vault, Clock.systemUTC(), skipped::add).backups("shop"))
                .isEmpty();
        assertThat(skipped)
                .singleElement()
                .satisfies(k -> assertThat(k.reason()).contains("zstd object").contains("version 1"));
    }

    /** Issue 13: Lifeboat's own zstd for MariaDB/MySQL, recorded so that restores (and older readers) know it. */
    @Test
    void aMariaDbDump_inZstd_isAZstObject_ofManifestVersion3_andRestoresTheSameBytes() {
        FakeDumpTools tools = new FakeDumpTools();
        tools.output = "INSERT INTO t VALUES (1);\n".repeat(1_000).getBytes(StandardCharsets.UTF_8);
        InMemoryVault vault = new InMemoryVault();

        DumpManifest m = taking(vault, tools, Compression.parse("zstd:1"))
                .dump(new TakingDump.Command("shop", maria, null, null))
                .manifest();

        assertThat(m.compression()).isEqualTo("zstd:1");
        assertThat(m.objectKey()).endsWith(".sql.zst");
        assertThat(m.zstd()).isTrue();
        assertThat(m.gzipped()).isFalse();
        assertThat(m.manifestVersion()).isEqualTo(DumpManifest.ZSTD_VERSION);
        assertThat(new String(vault.objects.get(m.objectKey()), StandardCharsets.UTF_8))
                .isEqualTo("<zstd:1>" + new String(tools.output, StandardCharsets.UTF_8) + "</zstd>");

        new dev.lifeboat.core.restore.RestoringDump(
                        vault, new FakeInspector(), tools, Clock.systemUTC(), java.time.Duration.ofMinutes(1))
                .restore(new dev.lifeboat.core.restore.RestoringDump.Command(
                        "shop",
                        m.backupId(),
                        new DatabaseTarget(DatabaseEngine.MARIADB, "db", 3306, "shop2", "u", Secret.none()),
                        true,
                        false,
                        false,
                        null));
        assertThat(tools.loaded.toByteArray()).isEqualTo(tools.output);

        // A Lifeboat without zstd says so, and changes nothing.
        FakeDumpTools older = new FakeDumpTools();
        older.zstdAvailable = false;
        assertThatThrownBy(() -> new dev.lifeboat.core.restore.RestoringDump(
                                vault, new FakeInspector(), older, Clock.systemUTC(), java.time.Duration.ofMinutes(1))
                        .restore(new dev.lifeboat.core.restore.RestoringDump.Command(
                                "shop",
                                m.backupId(),
                                new DatabaseTarget(DatabaseEngine.MARIADB, "db", 3306, "shop3", "u", Secret.none()),
                                true,
                                false,
                                false,
                                null)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("compressed with zstd");
        assertThat(older.loadsStarted).isZero();
    }

    @Test
    void oldManifests_withoutACompression_stillRead() {
        String json = new String(
                        ManifestCodec.write(DumpManifest.builder()
                                .manifestVersion(1)
                                .backupId("20261125T030000Z-abcd")
                                .databaseId("orders")
                                .engine(DatabaseEngine.POSTGRESQL)
                                .serverVersion("16.4")
                                .dumpTool("pg_dump")
                                .dumpToolVersion("16.4")
                                .format("pg_dump-custom")
                                .startedAt(java.time.Instant.EPOCH)
                                .finishedAt(java.time.Instant.EPOCH)
                                .sizeBytes(1)
                                .sha256("00")
                                .objectKey("dumps/orders/1970/01/01/x.pgdump")
                                .exactRowCountThreshold(0)
                                .tables(java.util.List.of())
                                .build()),
                        StandardCharsets.UTF_8)
                .replace("\"compression\" : null,", "");
        assertThat(ManifestCodec.read(json.getBytes(StandardCharsets.UTF_8), "k")
                        .compression())
                .isNull();
    }
}
