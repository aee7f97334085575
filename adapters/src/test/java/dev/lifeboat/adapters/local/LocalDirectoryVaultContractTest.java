package dev.lifeboat.adapters.local;

import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.testing.VaultContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** The local directory vault keeps the same contract as the fake and S3. */
class LocalDirectoryVaultContractTest extends VaultContract {
    @Override
    protected Vault vault() {
        try {
            return new LocalDirectoryVault(Files.createTempDirectory("lifeboat-vault-contract"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
