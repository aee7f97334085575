package dev.lifeboat.adapters;

import dev.lifeboat.adapters.local.LocalDirectoryVault;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.protocol.VaultAddress;
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
        return backup.vault() == null
                ? null
                : open(address(backup.vault(), "backup.vault"), s3, S3Vault.Settings::of, clock);
    }

    /** The vault at {@code uri}, given as {@code --vault}. */
    public static Vault open(String uri, Supplier<S3Client> s3, S3SettingsFactory s3Settings, Clock clock) {
        return open(address(uri, "--vault"), s3, s3Settings, clock);
    }

    private static Vault open(VaultAddress address, Supplier<S3Client> s3, S3SettingsFactory s3Settings, Clock clock) {
        return switch (address) {
            case VaultAddress.S3 a -> new S3Vault(s3.get(), s3Settings.settings(a.bucket(), a.prefix()), clock);
            case VaultAddress.Local a -> new LocalDirectoryVault(a.directory());
        };
    }

    /** The one parser's answer, or bad input naming the field (exit 2, nothing changed). */
    private static VaultAddress address(String uri, String field) {
        try {
            return VaultAddress.parse(uri, field);
        } catch (VaultAddress.Invalid e) {
            throw new InvalidInputException(e.getMessage(), "nothing was read or written", e);
        }
    }
}
