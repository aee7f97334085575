package dev.lifeboat.adapters.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.adapters.aws.AwsClients;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.VaultException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.restore.RestoringDump;
import dev.lifeboat.testing.FaultyS3Proxy;
import dev.lifeboat.testing.FaultyS3Proxy.Fault;
import dev.lifeboat.testing.FaultyS3Proxy.Operation;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import dev.lifeboat.testing.Wiring;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 failing mid-upload, through a fault-injecting proxy in front of moto: each outcome is either a backup
 * that restores with identical tables, or no manifest, no open multipart upload, and a message naming the
 * cause. What the bucket holds is checked directly against moto, not through the proxy.
 */
@ExtendWith(RealParts.class)
class S3FaultsIT {
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "UPLOAD_PART, SERVER_ERROR",
        "UPLOAD_PART, RESET",
        "COMPLETE_MULTIPART_UPLOAD, SERVER_ERROR",
        "COMPLETE_MULTIPART_UPLOAD, RESET",
        "COMPLETE_MULTIPART_UPLOAD, DROP_RESPONSE",
        "PUT_MANIFEST, SERVER_ERROR",
        "PUT_MANIFEST, RESET",
        "PUT_MANIFEST, DROP_RESPONSE"
    })
    void aFaultMidUpload_leavesAGoodBackupOrNoneAtAll(
            Operation operation, Fault fault, PostgresServer pg, MotoServer moto) throws Exception {
        DatabaseTarget source = pg.newDatabase("faults");
        pg.execute(
                source.database(),
                "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 200000) g");
        S3Client direct = moto.s3();
        String bucket = moto.newBucket(direct, false);
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(moto.endpoint());
                AwsClients throughProxy =
                        new AwsClients(Optional.of(URI.create(proxy.endpoint())), Optional.of(MotoServer.REGION))) {
            proxy.fail(operation, fault);
            S3Vault vault = new S3Vault(
                    throughProxy.s3(),
                    S3Vault.Settings.of(bucket, "v").withParts(5 * 1024 * 1024, 2),
                    Clock.systemUTC());

            LifeboatException failure = null;
            try {
                Wiring.dumping(vault).dump(new TakingDump.Command("orders", source, null, null));
            } catch (LifeboatException e) {
                failure = e;
            }

            assertThat(proxy.seen(operation)).as("the fault was met").isPositive();
            assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads())
                    .as("no open multipart upload")
                    .isEmpty();
            S3Vault readBack = new S3Vault(direct, S3Vault.Settings.of(bucket, "v"), Clock.systemUTC());
            boolean manifest = readBack.list("dumps/orders/").stream().anyMatch(VaultLayout::isManifest);
            if (failure != null) {
                assertThat(manifest)
                        .as("a failed dump leaves no manifest: " + failure.getMessage())
                        .isFalse();
                assertThat(failure.describe()).containsAnyOf("s3://" + bucket, "S3", "vault", "upload");
            } else {
                assertThat(manifest).isTrue();
                DatabaseTarget target = pg.target(PostgresServer.uniqueName("faults_restored"));
                Wiring.restoring(readBack)
                        .restore(new RestoringDump.Command("orders", "latest", target, true, false, false, null));
                assertThat(Fingerprint.of(pg, target.database())).isEqualTo(Fingerprint.of(pg, source.database()));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SERVER_ERROR", "RESET"})
    void anAbortThatFailsToo_isSaidInTheMessage_andNoManifestIsWritten(Fault fault, PostgresServer pg, MotoServer moto)
            throws Exception {
        DatabaseTarget source = pg.newDatabase("faults");
        pg.execute(
                source.database(),
                "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 200000) g");
        S3Client direct = moto.s3();
        String bucket = moto.newBucket(direct, false);
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(moto.endpoint());
                AwsClients throughProxy =
                        new AwsClients(Optional.of(URI.create(proxy.endpoint())), Optional.of(MotoServer.REGION))) {
            proxy.fail(Operation.COMPLETE_MULTIPART_UPLOAD, fault).fail(Operation.ABORT_MULTIPART_UPLOAD, fault);
            S3Vault vault = new S3Vault(
                    throughProxy.s3(),
                    S3Vault.Settings.of(bucket, "v").withParts(5 * 1024 * 1024, 2),
                    Clock.systemUTC());

            assertThatThrownBy(() -> Wiring.dumping(vault).dump(new TakingDump.Command("orders", source, null, null)))
                    .isInstanceOf(LifeboatException.class)
                    .satisfies(e -> assertThat(((LifeboatException) e).describe())
                            .as("issue 38, item 6: a failed abort is not reported as an abort")
                            .contains("the upload could not be aborted either")
                            .doesNotContain("the upload was aborted"));
            assertThat(new S3Vault(direct, S3Vault.Settings.of(bucket, "v"), Clock.systemUTC()).list("dumps/"))
                    .noneMatch(VaultLayout::isManifest);
        }
    }

    /**
     * Issue 38, item 3: a restore's download cut short on the way. Once, the read resumes from the first missing
     * byte and the restore brings back the same tables; every time, the restore fails as a transfer failure (a
     * VaultException: exit 1, "run the same restore again"), never as a corrupt backup, and removes the database it
     * created. The same backup then restores at once.
     */
    @Test
    void aDownloadCutShort_resumesOnce_andWhenItCannot_failsAsATransferNotAsCorruption(
            PostgresServer pg, MotoServer moto) throws Exception {
        DatabaseTarget source = pg.newDatabase("cut");
        pg.execute(
                source.database(),
                "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS note FROM generate_series(1, 200000) g");
        S3Client direct = moto.s3();
        String bucket = moto.newBucket(direct, true);
        S3Vault straight = new S3Vault(direct, S3Vault.Settings.of(bucket, "v"), Clock.systemUTC());
        Wiring.dumping(straight).dump(new TakingDump.Command("orders", source, null, null));
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(moto.endpoint());
                AwsClients throughProxy =
                        new AwsClients(Optional.of(URI.create(proxy.endpoint())), Optional.of(MotoServer.REGION))) {
            S3Vault vault = new S3Vault(throughProxy.s3(), S3Vault.Settings.of(bucket, "v"), Clock.systemUTC());

            proxy.fail(Operation.GET_OBJECT, Fault.TRUNCATE_BODY, 1);
            DatabaseTarget resumed = pg.target(PostgresServer.uniqueName("cut_resumed"));
            Wiring.restoring(vault)
                    .restore(new RestoringDump.Command("orders", "latest", resumed, true, false, false, null));
            assertThat(proxy.seen(Operation.GET_OBJECT))
                    .as("cut once, then resumed")
                    .isGreaterThanOrEqualTo(2);
            assertThat(Fingerprint.of(pg, resumed.database())).isEqualTo(Fingerprint.of(pg, source.database()));

            proxy.fail(Operation.GET_OBJECT, Fault.TRUNCATE_BODY);
            DatabaseTarget cut = pg.target(PostgresServer.uniqueName("cut_failed"));
            assertThatThrownBy(() -> Wiring.restoring(vault)
                            .restore(new RestoringDump.Command("orders", "latest", cut, true, false, false, null)))
                    .isInstanceOf(VaultException.class)
                    .isNotInstanceOf(ChecksumMismatchException.class)
                    .satisfies(e -> assertThat(((LifeboatException) e).describe())
                            .contains("could not be read whole")
                            .contains("not found damaged")
                            .contains("run the same restore again"));
            assertThat(pg.databaseExists(cut.database()))
                    .as("the database the restore created is removed")
                    .isFalse();
        }
    }

    /**
     * Issue 38, item 6: the manifest's PUT carried out but its answer lost. The SDK retries the PUT, which then meets
     * the manifest the first one wrote (412): that is this attempt's own manifest, so the dump is reported as made,
     * not as "completed by a concurrent invocation" of a run that wrote nothing.
     */
    @Test
    void aLostManifestAnswer_isTheDumpsOwnManifest_notAnotherAttempts(PostgresServer pg, MotoServer moto)
            throws Exception {
        DatabaseTarget source = pg.newDatabase("lost");
        pg.execute(source.database(), "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 1000) g");
        S3Client direct = moto.s3();
        String bucket = moto.newBucket(direct, false);
        try (FaultyS3Proxy proxy = new FaultyS3Proxy(moto.endpoint());
                AwsClients throughProxy =
                        new AwsClients(Optional.of(URI.create(proxy.endpoint())), Optional.of(MotoServer.REGION))) {
            proxy.fail(Operation.PUT_MANIFEST, Fault.DROP_RESPONSE, 1);
            S3Vault vault = new S3Vault(throughProxy.s3(), S3Vault.Settings.of(bucket, "v"), Clock.systemUTC());

            TakingDump.Result r = Wiring.dumping(vault).dump(new TakingDump.Command("orders", source, null, null));

            assertThat(proxy.seen(Operation.PUT_MANIFEST))
                    .as("the PUT was retried")
                    .isGreaterThanOrEqualTo(2);
            assertThat(r.alreadyExisted())
                    .as("its own manifest, not another attempt's")
                    .isFalse();
            DatabaseTarget target = pg.target(PostgresServer.uniqueName("lost_restored"));
            Wiring.restoring(new S3Vault(direct, S3Vault.Settings.of(bucket, "v"), Clock.systemUTC()))
                    .restore(new RestoringDump.Command("orders", "latest", target, true, false, false, null));
            assertThat(Fingerprint.of(pg, target.database())).isEqualTo(Fingerprint.of(pg, source.database()));
        }
    }
}
