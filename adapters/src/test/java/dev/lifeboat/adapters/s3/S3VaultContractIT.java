package dev.lifeboat.adapters.s3;

import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.testing.VaultContract;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.RealParts;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** S3 (moto, a versioned bucket with Object Lock, as deployed) keeps the same contract as the fake. */
@ExtendWith(RealParts.class)
class S3VaultContractIT extends VaultContract {
    private MotoServer moto;

    @BeforeEach
    void moto(MotoServer server) {
        this.moto = server;
    }

    @Override
    protected Vault vault() {
        String bucket = moto.newBucket(moto.s3(), true);
        return new S3Vault(
                moto.s3(), S3Vault.Settings.of(bucket, "lifeboat").withParts(5 * 1024 * 1024, 2), Clock.systemUTC());
    }
}
