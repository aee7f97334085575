package dev.lifeboat.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The one parser of a vault's address (issue 35): what the configuration, the command line and the CDK app read. */
class VaultAddressTest {
    @Test
    void s3AndLocalAddresses_parseIntoTheirParts() {
        assertThat(VaultAddress.parse("s3://acme-lifeboat-vault/lifeboat", "--vault"))
                .isEqualTo(new VaultAddress.S3("acme-lifeboat-vault", "lifeboat"));
        assertThat(VaultAddress.parse("s3://acme-vault/a/b/", "--vault"))
                .isEqualTo(new VaultAddress.S3("acme-vault", "a/b"));
        assertThat(VaultAddress.parseS3("s3://acme-vault", "backup.vault").keyPrefix())
                .isEmpty();
        assertThat(VaultAddress.parseS3("s3://acme-vault/x", "backup.vault").keyPrefix())
                .isEqualTo("x/");
        assertThat(VaultAddress.parse("file:./vault", "--vault")).isEqualTo(new VaultAddress.Local(Path.of("./vault")));
        assertThat(VaultAddress.parse("file:///tmp/v", "--vault")).isEqualTo(new VaultAddress.Local(Path.of("/tmp/v")));
        assertThat(VaultAddress.parse("file://localhost/tmp/v", "--vault"))
                .isEqualTo(new VaultAddress.Local(Path.of("/tmp/v")));
        assertThat(VaultAddress.parse("/var/backups", "--vault"))
                .isEqualTo(new VaultAddress.Local(Path.of("/var/backups")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "S3://bucket/p|has the scheme in capitals; write s3://bucket/p",
                "s3:/bucket/x|is not an S3 URI; use s3://BUCKET/PREFIX (two slashes)",
                "s3://|names no bucket",
                "s3://my_bucket/x|'my_bucket' is not an S3 bucket name",
                "s3://Not-Lower/x|is not an S3 bucket name",
                "s3://ab/x|is not an S3 bucket name",
                "s3://a..b/x|is not an S3 bucket name",
                "s3://192.168.1.1/x|is not an S3 bucket name",
                "s3://xn--bucket/x|is not an S3 bucket name",
                "s3://bucket-s3alias/x|is not an S3 bucket name",
                "s3://my-bucket/../x|has an empty, '.' or '..' part in its prefix",
                "s3://my-bucket/a//b|has an empty, '.' or '..' part in its prefix",
                "s3://my-bucket/./a|has an empty, '.' or '..' part in its prefix",
                "gs://bucket|has an unknown scheme",
                "vault:old|has an unknown scheme",
                "file:|names no directory",
                "file://backups/nightly|names a host ('backups')",
                "file://backups|names a host ('backups')",
                "file://a b/c|is not a file URI"
            })
    void aMistypedAddress_isRefusedNamingTheFieldAndWhy(String uri, String why) {
        assertThatThrownBy(() -> VaultAddress.parse(uri, "backup.vault"))
                .isInstanceOf(VaultAddress.Invalid.class)
                .hasMessageStartingWith("backup.vault")
                .hasMessageContaining(why);
    }

    @Test
    void theConfigurationsVault_mustBeS3() {
        assertThatThrownBy(() -> VaultAddress.parseS3("file:/tmp/v", "backup.vault"))
                .isInstanceOf(VaultAddress.Invalid.class)
                .hasMessage("backup.vault: 'file:/tmp/v' must be s3://BUCKET/PREFIX");
    }
}
