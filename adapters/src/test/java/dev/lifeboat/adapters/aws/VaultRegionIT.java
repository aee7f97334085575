package dev.lifeboat.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.testing.TestSettings;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import dev.lifeboat.testing.S3RegionFront;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Issue 36, item 2: a vault in another Region than the code that uses it (the example's orders, dumped in eu-west-1
 * into a vault in eu-central-1), through a front that answers a request signed for the wrong Region as S3 does (301
 * PermanentRedirect with x-amz-bucket-region; moto alone answers it).
 */
@ExtendWith(RealParts.class)
class VaultRegionIT {
    private static final Region HERE = Region.EU_WEST_1;
    private static final Region VAULT = Region.EU_CENTRAL_1;

    private S3RegionFront front;
    private AwsClients here;
    private String bucket;

    @BeforeEach
    void setUp(MotoServer moto) throws Exception {
        front = new S3RegionFront(moto.endpoint());
        bucket = moto.newBucketIn(VAULT.id(), true);
        here = new AwsClients(Optional.of(URI.create(front.endpoint())), Optional.of(HERE));
    }

    @AfterEach
    void tearDown() {
        here.close();
        front.close();
    }

    /** lifeboat.yml's orders, in eu-west-1, with the vault in backup.region eu-central-1 (as the example has it). */
    private LifeboatConfig config() {
        LifeboatConfig base = TestSettings.orders();
        LifeboatConfig.Backup b = base.backup();
        assertThat(b.region()).isEqualTo(VAULT.id());
        return LifeboatConfig.builder()
                .backup(LifeboatConfig.Backup.builder()
                        .account(b.account())
                        .region(b.region())
                        .kmsKeyArn(b.kmsKeyArn())
                        .vault("s3://" + bucket + "/lifeboat")
                        .vaultRetentionDays(35)
                        .vaultColdAfterDays(30)
                        .build())
                .databases(base.databases())
                .document("{}")
                .build();
    }

    @Test
    void aClientOfThisRegion_getsS3sPermanentRedirect_fromTheFront_asTheDumpPathsDidBeforeTheFix() {
        assertThatThrownBy(() -> here.s3().headBucket(b -> b.bucket(bucket)))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(301);
                    assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region"))
                            .contains(VAULT.id());
                });
        assertThatThrownBy(() -> here.s3().listObjectsV2(b -> b.bucket(bucket)))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(301);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("PermanentRedirect");
                });
        // The old path: the vault of lifeboat.yml through the client of the function's own Region.
        Vault old = dev.lifeboat.adapters.Vaults.configured(config().backup(), here::s3, Clock.systemUTC());
        assertThatThrownBy(old::checkWritable).hasMessageContaining("301");
    }

    @Test
    void theVaultOfLifeboatYml_isReachedInBackupRegion_withoutARedirect() {
        Vault vault = here.configuredVault(config(), Clock.systemUTC());

        vault.checkWritable();
        assertThat(vault.putIfAbsent("probe/one.json", "{}".getBytes(StandardCharsets.UTF_8)))
                .isTrue();

        assertThat(vault.read("probe/one.json"))
                .hasValueSatisfying(
                        b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("{}"));
        assertThat(front.redirects()).isZero();
    }

    @Test
    void aVaultGivenOnlyByItsUri_findsItsBucketsRegion_fromTheFirstRedirect_andKeepsIt() {
        Vault vault = here.vault("s3://" + bucket + "/lifeboat", S3Vault.Settings::of, Clock.systemUTC());

        vault.checkWritable();
        assertThat(vault.putIfAbsent("probe/two.json", "{}".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        assertThat(vault.list("probe/")).isNotEmpty();

        assertThat(front.redirects())
                .as("one 301, then the SDK remembers the bucket's Region")
                .isEqualTo(1);
    }
}
