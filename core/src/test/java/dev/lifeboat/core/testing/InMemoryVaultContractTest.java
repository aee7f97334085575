package dev.lifeboat.core.testing;

import dev.lifeboat.core.port.Vault;

/** The in-memory fake the use cases' tests run on keeps the vault's contract. */
class InMemoryVaultContractTest extends VaultContract {
    @Override
    protected Vault vault() {
        return new InMemoryVault();
    }
}
