package dev.lifeboat.core.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.protocol.BuildInfo;
import org.junit.jupiter.api.Test;

/** Issue 39: each manifest names the Lifeboat that wrote it, and a reader older than the writer says so. */
class WriterVersionTest {
    @Test
    void aDump_recordsTheLifeboatThatWroteIt_andReadsItBack() {
        InMemoryVault vault = new InMemoryVault();
        DumpManifest m = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);

        assertThat(m.writtenBy()).isEqualTo(BuildInfo.current().version());
        assertThat(ManifestCodec.read(ManifestCodec.write(m), "k").writtenBy()).isEqualTo(m.writtenBy());
    }

    @Test
    void onlyANewerWriter_isNoted_andUnknownVersionsNeverAre() {
        DumpManifest m = FakeDumps.take(new InMemoryVault(), "orders", FakeDumps.AT_NIGHT);
        DumpManifest by = withWriter(m, "1.4.0");

        assertThat(by.newerWriterThan("1.3.9-SNAPSHOT"))
                .hasValueSatisfying(n -> assertThat(n)
                        .contains("written by Lifeboat 1.4.0, newer than this 1.3.9-SNAPSHOT")
                        .contains("read it with 1.4.0 or newer"));
        assertThat(by.newerWriterThan("1.4.0")).isEmpty();
        assertThat(by.newerWriterThan("1.10.0")).as("numbers, not text").isEmpty();
        assertThat(by.newerWriterThan(BuildInfo.UNKNOWN)).isEmpty();
        assertThat(withWriter(m, null).newerWriterThan("0.1.0"))
                .as("written before writers were recorded")
                .isEmpty();
        assertThat(withWriter(m, "v2").newerWriterThan("1.9.9")).isPresent();
        assertThat(withWriter(m, "1.0.0").newerWriterThan("1.0.0-SNAPSHOT"))
                .as("a release is newer than its own pre-release")
                .isPresent();
        assertThat(withWriter(m, "1.0.0-rc1").newerWriterThan("1.0.0")).isEmpty();
        assertThat(withWriter(m, "99999999999.0.0").newerWriterThan("1.0.0"))
                .as("numbers of any size (the vault's text may be forged)")
                .isPresent();
        assertThat(withWriter(m, "2.0.0\u001b[2K\rnote: all fine").newerWriterThan("1.0.0"))
                .hasValueSatisfying(n -> assertThat(n).doesNotContain("\u001b").doesNotContain("\r"));
        assertThat(withWriter(m, "3." + "9".repeat(500)).newerWriterThan("1.0.0"))
                .hasValueSatisfying(n -> assertThat(n.length()).isLessThan(300));
        assertThat(withWriter(m, "").newerWriterThan("1.0.0")).isEmpty();
    }

    private static DumpManifest withWriter(DumpManifest m, String writer) {
        return DumpManifest.builder()
                .manifestVersion(m.manifestVersion())
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
                .writtenBy(writer)
                .build();
    }
}
