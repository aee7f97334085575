package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.config.TestConfigs;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryVault;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/** The dump function reads lifeboat.yml as every function does, and says what is missing from it. */
class BackupHandlerConfigTest {
    @Test
    void aDocumentWithNoDatabaseToDump_failsTheColdStart_sayingWhatToAdd() {
        assertThatThrownBy(() -> new BackupHandler(
                        TestConfigs.orders("vault: s3://vault/lifeboat", "", ""),
                        new InMemoryVault(),
                        id -> {
                            throw new AssertionError("no secret is read");
                        },
                        new FakeInspector(),
                        new FakeDumpTools(),
                        Clock.systemUTC(),
                        MetricsFactory.getMetricsInstance()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no database a dump block")
                .satisfies(e -> assertThat(((LifeboatException) e).describe()).contains("dump.secretArn"));
    }

    @Test
    void aDocumentWithoutAVault_isRefused_namingTheField() {
        assertThatThrownBy(() -> BackupHandler.openVault(TestConfigs.orders(), null, Clock.systemUTC()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("backup.vault is not set");
    }
}
