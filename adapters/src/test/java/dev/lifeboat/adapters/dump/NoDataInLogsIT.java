package dev.lifeboat.adapters.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.ManifestCodec;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.core.stream.Sha256;
import dev.lifeboat.testing.CapturedOutput;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import dev.lifeboat.testing.Wiring;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (issue 10, item 4): a failed MariaDB restore wrote the rows of the failing statement into
 * the logs (about 24,000 lines in one run), in Lambda customer data in CloudWatch. A sound backup whose
 * load fails (a duplicate key among the rows) is restored; no row value may reach a log line, the
 * exception's message or its hint.
 */
@ExtendWith(RealParts.class)
class NoDataInLogsIT {
    private static final String ROW_MARK = "row-value-" + "7f3a";

    @RegisterExtension
    final CapturedOutput output = new CapturedOutput();

    @Test
    void aFailingMariaDbLoad_logsNoRowValues(MariaDbServer db, @TempDir Path dir) throws Exception {
        DatabaseTarget source = db.newDatabase("logs_src");
        db.execute(source.database(), "CREATE TABLE t (id INT PRIMARY KEY)");
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);
        DumpManifest real = Wiring.dumping(vault)
                .dump(new TakingDump.Command("shop", source, null, null))
                .manifest();
        // The same backup's object replaced by SQL whose load fails on row 2001, and a manifest vouching for it.
        StringBuilder sql =
                new StringBuilder("CREATE TABLE big (id INT PRIMARY KEY, note VARCHAR(64));\nINSERT INTO big VALUES ");
        for (int i = 1; i <= 3000; i++) {
            sql.append(i == 1 ? "" : ",\n")
                    .append("(")
                    .append(i > 2000 ? i - 2000 : i)
                    .append(",'")
                    .append(ROW_MARK)
                    .append("-")
                    .append(i)
                    .append("')");
        }
        sql.append(";\n");
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(sql.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] object = gz.toByteArray();
        Sha256 sha = new Sha256();
        sha.update(object, 0, object.length);
        Path objectFile = dir.resolve(real.objectKey());
        Files.setPosixFilePermissions(objectFile, PosixFilePermissions.fromString("rw-r--r--"));
        Files.write(objectFile, object);
        Path manifestFile = dir.resolve(VaultLayout.manifestKey("shop", real.id()));
        Files.setPosixFilePermissions(manifestFile, PosixFilePermissions.fromString("rw-r--r--"));
        Files.write(
                manifestFile,
                ManifestCodec.write(DumpManifest.builder()
                        .manifestVersion(real.manifestVersion())
                        .backupId(real.backupId())
                        .databaseId(real.databaseId())
                        .engine(real.engine())
                        .serverVersion(real.serverVersion())
                        .dumpTool(real.dumpTool())
                        .dumpToolVersion(real.dumpToolVersion())
                        .format(real.format())
                        .startedAt(real.startedAt())
                        .finishedAt(real.finishedAt())
                        .sizeBytes(object.length)
                        .sha256(sha.hex())
                        .objectKey(real.objectKey())
                        .exactRowCountThreshold(real.exactRowCountThreshold())
                        .tables(real.tables())
                        .build()));
        DatabaseTarget target = db.target(PostgresServer.uniqueName("logs_restored"));

        assertThatThrownBy(() -> Wiring.restoring(vault)
                        .restore(new RestoringDump.Command("shop", "latest", target, true, false, false, null)))
                .isInstanceOf(LifeboatException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).contains("mariadb failed").doesNotContain(ROW_MARK);
                    assertThat(((LifeboatException) e).hint())
                            .doesNotContain(ROW_MARK)
                            .contains("was removed");
                });
        String logs = output.text();
        assertThat(logs)
                .contains("[mariadb] ERROR 1062")
                .doesNotContain(ROW_MARK)
                .doesNotContain("Duplicate entry '1'");
    }
}
