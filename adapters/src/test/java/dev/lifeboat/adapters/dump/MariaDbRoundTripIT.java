package dev.lifeboat.adapters.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.error.DumpFailedException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RestoreFailedException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.TableRowCount;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import dev.lifeboat.testing.Wiring;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

@ExtendWith(RealParts.class)
class MariaDbRoundTripIT {

    @Test
    void dumpAndRestoreThroughALocalVault_bringBackTablesRoutinesTriggersAndEvents(
            MariaDbServer db, @TempDir Path dir) {
        roundTrip(db, new LocalDirectoryVault(dir));
    }

    @Test
    void dumpAndRestoreThroughS3_bringBackTheSameData(MariaDbServer db, MotoServer moto) {
        S3Client s3 = moto.s3();
        String bucket = moto.newBucket(s3, false);
        DumpManifest m = roundTrip(
                db,
                new S3Vault(
                        s3,
                        S3Vault.Settings.of(bucket, "")
                                .withKmsKey(moto.newKmsKey())
                                .withParts(5 * 1024 * 1024, 2),
                        Clock.systemUTC()));
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        assertThat(m.objectVersionId()).isNotBlank();
    }

    /** Issue 13: Lifeboat's own gzip at the chosen level, zstd (zstd-jni), or none; the same data back each way. */
    @Test
    void uncompressedAndBestCompressedDumps_restoreTheSameData(MariaDbServer db, @TempDir Path dir) {
        DatabaseTarget source = db.newDatabase("cmp");
        Fixtures.loadTricky(db, source.database());
        for (String c : java.util.List.of("none", "gzip:9", "zstd:1")) {
            LocalDirectoryVault vault = new LocalDirectoryVault(dir.resolve(c.replace(':', '-')));
            DumpManifest m = Wiring.dumping(
                            vault,
                            dev.lifeboat.adapters.process.ProcessDumpTools.fromEnvironment(),
                            TakingDump.Settings.DEFAULTS.withCompression(dev.lifeboat.core.model.Compression.parse(c)))
                    .dump(new TakingDump.Command("shop", source, null, null))
                    .manifest();
            assertThat(m.compression()).isEqualTo(c);
            assertThat(m.objectKey())
                    .endsWith(c.equals("none") ? ".sql" : c.startsWith("zstd") ? ".sql.zst" : ".sql.gz");
            DatabaseTarget target = db.target(PostgresServer.uniqueName("cmp"));
            Wiring.restoring(vault)
                    .restore(new RestoringDump.Command("shop", m.backupId(), target, true, false, false, null));
            assertThat(Fingerprint.of(db, target.database())).as(c).isEqualTo(Fingerprint.of(db, source.database()));
        }
    }

    /**
     * The schema comment a restore leaves on the database it created: what it restored once done; INCOMPLETE while it
     * runs, which is what a restore killed with SIGKILL leaves (MariaDB commits as it loads), and then the next
     * restore into that name refuses, saying what to do.
     */
    @Test
    void aDatabaseARestoreCreated_carriesItsNote_andOneLeftIncomplete_refusesTheNextRestore(
            MariaDbServer db, @TempDir Path dir) throws Exception {
        DatabaseTarget source = db.newDatabase("note");
        db.execute(source.database(), "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1), (2)");
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);
        DumpManifest m = Wiring.dumping(vault)
                .dump(new TakingDump.Command("shop", source, null, null))
                .manifest();
        DatabaseTarget target = db.target(PostgresServer.uniqueName("note_r"));
        Wiring.restoring(vault)
                .restore(new RestoringDump.Command("shop", m.backupId(), target, true, false, false, null));
        assertThat(schemaComment(db, target.database()))
                .startsWith("lifeboat: restore of shop from backup " + m.backupId() + ", finished ");

        db.execute(
                target.database(),
                "ALTER DATABASE `" + target.database() + "` COMMENT 'lifeboat: INCOMPLETE"
                        + " restore of shop from backup " + m.backupId() + " (loading the dump), started then'");
        assertThatThrownBy(() -> Wiring.restoring(vault)
                        .restore(new RestoringDump.Command("shop", m.backupId(), target, true, false, false, null)))
                .isInstanceOf(dev.lifeboat.core.error.RefusedException.class)
                .hasMessageContaining("holds a restore that was stopped before it finished")
                .satisfies(e -> assertThat(((LifeboatException) e).hint()).contains("DROP DATABASE"));
        assertThat(Fingerprint.of(db, target.database())).isEqualTo(Fingerprint.of(db, source.database()));
    }

    private static String schemaComment(MariaDbServer db, String database) throws Exception {
        try (var c = db.connect("");
                var q = c.prepareStatement(
                        "SELECT SCHEMA_COMMENT FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            q.setString(1, database);
            try (var r = q.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }

    /**
     * Regression (issue 10, item 6): a MariaDB database whose name holds a space or a non-ASCII letter could
     * not be dumped (its name was percent-encoded into the JDBC URL, which Connector/J does not decode).
     */
    @Test
    void aDatabaseWithASpaceAndNonAsciiLetters_roundTrips(MariaDbServer db, @TempDir Path dir) {
        DatabaseTarget source = db.newDatabaseNamed("Kunden Été ");
        Fixtures.loadTricky(db, source.database());
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);

        DumpManifest m = Wiring.dumping(vault)
                .dump(new TakingDump.Command("shop", source, null, null))
                .manifest();
        DatabaseTarget target =
                db.target("Zurück Été " + PostgresServer.uniqueName("r").substring(2));
        Wiring.restoring(vault)
                .restore(new RestoringDump.Command("shop", m.backupId(), target, true, false, false, null));

        assertThat(m.tables()).isNotEmpty();
        assertThat(Fingerprint.of(db, target.database())).isEqualTo(Fingerprint.of(db, source.database()));
    }

    /**
     * A name with an apostrophe (issue 38, item 6): dumped and restored while the database holds no event, every table,
     * trigger, routine and view compared; mariadb-dump 10.11 mis-quotes the name only in its events pass.
     */
    @Test
    void aDatabaseWithAnApostrophe_andNoEvent_roundTrips(MariaDbServer db, @TempDir Path dir) {
        DatabaseTarget source = db.newDatabaseNamed("Kunden d'Été ");
        Fixtures.loadTricky(db, source.database());
        db.execute(source.database(), "DROP EVENT nightly_cleanup");
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);

        DumpManifest m = Wiring.dumping(vault)
                .dump(new TakingDump.Command("shop", source, null, null))
                .manifest();
        DatabaseTarget target =
                db.target("Zurück d'Été " + PostgresServer.uniqueName("r").substring(2));
        Wiring.restoring(vault)
                .restore(new RestoringDump.Command("shop", m.backupId(), target, true, false, false, null));

        Map<String, String> before = Fingerprint.of(db, source.database());
        assertThat(before.keySet()).contains("table Kunden Ärger", "trigger kunden_ai", "view v_kunden");
        assertThat(Fingerprint.of(db, target.database())).isEqualTo(before);
    }

    /** With an event, mariadb-dump 10.11 fails on such a name: refused saying why and what to do, nothing written. */
    @Test
    void aDatabaseWithAnApostrophe_andAnEvent_isRefusedSayingWhy_andNothingIsWritten(
            MariaDbServer db, @TempDir Path dir) {
        DatabaseTarget source = db.newDatabaseNamed("Kunden d'Été ");
        Fixtures.loadTricky(db, source.database());
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);

        assertThatThrownBy(() -> Wiring.dumping(vault).dump(new TakingDump.Command("shop", source, null, null)))
                .isInstanceOf(DumpFailedException.class)
                .hasMessageContaining("its name holds an apostrophe")
                .satisfies(e -> assertThat(((LifeboatException) e).hint()).contains("SHOW EVENTS"));
        assertThat(vault.list("dumps/")).isEmpty();
    }

    private static DumpManifest roundTrip(MariaDbServer db, Vault vault) {
        DatabaseTarget source = db.newDatabase("src");
        Fixtures.loadTricky(db, source.database());
        Map<String, String> before = Fingerprint.of(db, source.database());
        assertThat(before.keySet())
                .contains(
                        "table Kunden Ärger",
                        "table audit",
                        "trigger kunden_ai",
                        "routine PROCEDURE add_kunde",
                        "routine FUNCTION double_it",
                        "event nightly_cleanup",
                        "view v_kunden",
                        "column Kunden Ärger.total",
                        "auto-increment Kunden Ärger");

        DumpManifest m = Wiring.dumping(vault)
                .dump(new TakingDump.Command("shop", source, null, null))
                .manifest();

        assertThat(m.engine()).isEqualTo(DatabaseEngine.MARIADB);
        assertThat(m.dumpTool()).isEqualTo("mariadb-dump");
        assertThat(m.objectKey()).matches(".*/" + m.backupId() + "\\.[0-9a-f]{8}\\.sql\\.gz");
        assertThat(m.sha256()).isEqualTo(PostgresRoundTripIT.sha256Of(vault, m));
        assertThat(m.tables()).contains(new TableRowCount(source.database(), "Kunden Ärger", 3003, true));

        DatabaseTarget target = db.target(PostgresServer.uniqueName("restored"));
        Wiring.restoring(vault)
                .restore(new RestoringDump.Command("shop", m.backupId(), target, true, false, false, null));

        assertThat(Fingerprint.of(db, target.database())).isEqualTo(before);
        return m;
    }

    /**
     * Issue 38, item 5: when the load tool fails first (here the server refuses a table that exists), the error is
     * the tool's own, with the server's message, not Lifeboat's "Broken pipe" with a hint about the vault and disk.
     */
    @Test
    void whenTheLoadToolFailsFirst_itsOwnErrorIsShown_notABrokenPipe(MariaDbServer db, @TempDir Path dir) {
        DatabaseTarget source = db.newDatabase("clash_src");
        db.execute(source.database(), "CREATE TABLE aaa_log (id INT PRIMARY KEY)");
        db.execute(
                source.database(),
                "CREATE TABLE zzz_big AS SELECT seq AS id, MD5(seq) AS a, MD5(seq + 1) AS b FROM seq_1_to_300000");
        LocalDirectoryVault vault = new LocalDirectoryVault(dir);
        DumpManifest m = Wiring.dumping(vault)
                .dump(new TakingDump.Command("shop", source, null, null))
                .manifest();
        DatabaseTarget existing = db.newDatabase("clash_existing");
        db.execute(existing.database(), "CREATE TABLE aaa_log (other TEXT)");

        assertThatThrownBy(() -> Wiring.restoring(vault)
                        .restore(new RestoringDump.Command("shop", m.backupId(), existing, false, true, false, null)))
                .isInstanceOf(RestoreFailedException.class)
                .satisfies(e -> assertThat(((LifeboatException) e).describe())
                        .contains("aaa_log")
                        .contains("already exists")
                        .doesNotContain("check the vault"));
    }
}
