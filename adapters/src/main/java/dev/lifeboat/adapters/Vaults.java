package dev.lifeboat.adapters;

import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.port.Vault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;
import software.amazon.awssdk.services.s3.S3Client;

/** Opens a vault from its URI: {@code file:DIR} (or a plain path) and {@code s3://BUCKET/PREFIX}. */
public final class Vaults {
    private Vaults() {}

    /** How to build an S3 vault's settings from the bucket and prefix of the URI. */
    public interface S3SettingsFactory {
        S3Vault.Settings settings(String bucket, String prefix);
    }

    /** The vault of lifeboat.yml ({@code backup.vault}) with the default S3 settings; null when it is not set. */
    public static Vault configured(LifeboatConfig.Backup backup, Supplier<S3Client> s3, Clock clock) {
        return backup.vault() == null ? null : open(backup.vault(), s3, S3Vault.Settings::of, clock);
    }

    public static Vault open(String uri, Supplier<S3Client> s3, S3SettingsFactory s3Settings, Clock clock) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("--vault is missing; use file:DIR or s3://BUCKET/PREFIX");
        }
        if (uri.regionMatches(true, 0, "s3:", 0, 3) && !uri.startsWith("s3://")) {
            throw new IllegalArgumentException(
                    "--vault '" + uri + "' is not an S3 URI; use s3://BUCKET/PREFIX (two slashes)");
        }
        if (uri.startsWith("s3://")) {
            String rest = uri.substring("s3://".length());
            String bucket = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            if (bucket.isBlank()) {
                throw new IllegalArgumentException("--vault '" + uri + "' names no bucket; use s3://BUCKET/PREFIX");
            }
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("--vault '" + uri + "': '" + bucket
                        + "' is not an S3 bucket name (3 to 63 lowercase letters, digits, '.' and '-')");
            }
            String prefix = rest.contains("/") ? rest.substring(rest.indexOf('/') + 1) : "";
            return new S3Vault(s3.get(), s3Settings.settings(bucket, prefix), clock);
        }
        if (uri.startsWith("file:")) {
            String rest = uri.substring("file:".length());
            return new LocalDirectoryVault(
                    Path.of(rest.startsWith("//") ? URI.create(uri).getPath() : rest));
        }
        if (uri.contains("://") || uri.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
            throw new IllegalArgumentException(
                    "--vault '" + uri + "' has an unknown scheme; use file:DIR or s3://BUCKET/PREFIX");
        }
        return new LocalDirectoryVault(Path.of(uri));
    }
}
