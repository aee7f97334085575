package dev.lifeboat.adapters.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.Compression;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.TableRowCount;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.core.stream.Sha256;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import dev.lifeboat.testing.Wiring;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

@ExtendWith(RealParts.class)
class PostgresRoundTripIT {

    @Test
    void dumpAndRestoreThroughALocalVault_bringBackEveryTableSequenceAndLargeObject(
            PostgresServer pg, @TempDir Path dir) {
        roundTrip(pg, new LocalDirectoryVault(dir));
    }

    @Test
    void dumpAndRestoreThroughS3_withKmsAndObjectLock_bringBackTheSameData(PostgresServer pg, MotoServer moto) {
        S3Client s3 = moto.s3();
        String bucket = moto.newBucket(s3, true);
        String key = moto.newKmsKey();
        S3Vault vault = new S3Vault(
                s3,
                S3Vault.Settings.of(bucket, "team-a/backups")
                        .withKmsKey(key)
                        .withObjectLock("COMPLIANCE", Duration.ofDays(7))
                        .withParts(5 * 1024 * 1024, 2),
                Clock.systemUTC());

        DumpManifest manifest = roundTrip(pg, vault);

        var head = s3.headObject(b ->
                b.bucket(bucket).key("team-a/backups/" + manifest.objectKey()).versionId(manifest.objectVersionId()));
        assertThat(head.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(head.ssekmsKeyId()).isEqualTo(key);
        assertThat(head.objectLockMode()).isEqualTo(ObjectLockMode.COMPLIANCE);
        assertThat(head.objectLockRetainUntilDate()).isAfter(Instant.now().plus(Duration.ofDays(6)));
        assertThat(manifest.objectVersionId()).isNotBlank();
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        // Ransomware with the vault's own credentials: a locked version cannot be deleted before its date.
        assertThatThrownBy(() -> s3.deleteObject(b -> b.bucket(bucket)
                        .key("team-a/backups/" + manifest.objectKey())
                        .versionId(manifest.objectVersionId())))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        assertThat(s3.headObject(b -> b.bucket(bucket)
                                .key("team-a/backups/" + manifest.objectKey())
                                .versionId(manifest.objectVersionId()))
                        .contentLength())
                .isEqualTo(manifest.sizeBytes());
    }

    /**
     * Issue 13: the compression is pg_dump's own, at the chosen level; every choice restores the same data, the
     * manifest records it, and a method this client cannot do is refused before a byte moves.
     */
    @Test
    void everyCompression_restoresTheSameData_andAMethodTheClientLacksIsRefused(PostgresServer pg, @TempDir Path dir) {
        DatabaseTarget source = pg.newDatabase("cmp");
        Fixtures.loadTricky(pg, source.database());
        Map<String, String> before = Fingerprint.of(pg, source.database());
        Map<String, Long> sizes = new java.util.HashMap<>();
        for (String c : List.of("none", "gzip:1", "gzip:9")) {
            LocalDirectoryVault vault = new LocalDirectoryVault(dir.resolve(c.replace(':', '-')));
            DumpManifest m = Wiring.dumping(
                            vault,
                            ProcessDumpTools.fromEnvironment(),
                            TakingDump.Settings.DEFAULTS.withCompression(Compression.parse(c)))
                    .dump(new TakingDump.Command("cmp", source, null, null))
                    .manifest();
            assertThat(m.compression()).isEqualTo(c);
            sizes.put(c, m.sizeBytes());
            DatabaseTarget target = pg.target(PostgresServer.uniqueName("cmp"));
            Wiring.restoring(vault)
                    .restore(new RestoringDump.Command("cmp", "latest", target, true, false, false, null));
            assertThat(Fingerprint.of(pg, target.database())).as(c).isEqualTo(before);
        }
        assertThat(sizes.get("none")).isGreaterThan(sizes.get("gzip:1"));

        ProcessDumpTools tools = ProcessDumpTools.fromEnvironment();
        if (tools.dumpTool(DatabaseEngine.POSTGRESQL).version().major() < 16) {
            LocalDirectoryVault vault = new LocalDirectoryVault(dir.resolve("zstd"));
            assertThatThrownBy(() -> Wiring.dumping(
                                    vault,
                                    tools,
                                    TakingDump.Settings.DEFAULTS.withCompression(Compression.parse("zstd:3")))
                            .dump(new TakingDump.Command("cmp", source, null, null)))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("cannot compress with zstd");
            assertThat(vault.list("")).isEmpty();
        }
    }

    private static DumpManifest roundTrip(PostgresServer pg, Vault vault) {
        DatabaseTarget source = pg.newDatabase("src");
        Fixtures.loadTricky(pg, source.database());
        Map<String, String> before = Fingerprint.of(pg, source.database());
        assertThat(before.keySet())
                .anyMatch(k -> k.startsWith("sequence "))
                .anyMatch(k -> k.startsWith("large-object "))
                .anyMatch(k -> k.startsWith("table \"Sales & Ops\""))
                .anyMatch(k -> k.startsWith("table public.measurements_2026"))
                .anyMatch(k -> k.startsWith("function "))
                .anyMatch(k -> k.startsWith("comment "));

        TakingDump.Result dumped = Wiring.dumping(vault).dump(new TakingDump.Command("orders-db", source, null, null));
        DumpManifest m = dumped.manifest();

        assertThat(dumped.alreadyExisted()).isFalse();
        assertThat(m.engine()).isEqualTo(DatabaseEngine.POSTGRESQL);
        assertThat(m.dumpTool()).isEqualTo("pg_dump");
        assertThat(m.format()).isEqualTo("pg_dump-custom");
        assertThat(m.objectKey())
                .matches("dumps/orders-db/\\d{4}/\\d{2}/\\d{2}/" + m.backupId() + "\\.[0-9a-f]{8}\\.pgdump");
        assertThat(m.sha256()).isEqualTo(sha256Of(vault, m));
        assertThat(m.tables()).contains(new TableRowCount("Sales & Ops", "Orders \"quoted\"", 3003, true));
        assertThat(m.tables()).contains(new TableRowCount("public", "audit", 3003, true));
        assertThat(m.finishedAt()).isAfterOrEqualTo(m.startedAt());

        DatabaseTarget target = pg.target(PostgresServer.uniqueName("restored"));
        RestoringDump.Result restored = Wiring.restoring(vault)
                .restore(new RestoringDump.Command("orders-db", "latest", target, true, false, false, null));

        assertThat(restored.bytes()).isEqualTo(m.sizeBytes());
        assertThat(Fingerprint.of(pg, target.database())).isEqualTo(before);
        return m;
    }

    static String sha256Of(Vault vault, DumpManifest m) {
        try (InputStream in = vault.open(m.objectKey(), m.objectVersionId())) {
            Sha256 sha = new Sha256();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
            assertThat(sha.bytes()).isEqualTo(m.sizeBytes());
            return sha.hex();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
