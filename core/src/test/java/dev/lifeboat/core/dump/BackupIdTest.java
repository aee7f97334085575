package dev.lifeboat.core.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

class BackupIdTest {

    @Test
    void aScheduledRun_isNamedAfterItsScheduledTime_toTheSecond() {
        assertThat(BackupId.forRun("2026-11-25T03:00:00.789Z").value()).isEqualTo("20261125T030000Z");
        assertThat(BackupId.forRun("2026-11-25T03:00:00Z")).isEqualTo(BackupId.forRun("2026-11-25T03:00:00.000Z"));
    }

    @Test
    void theVaultPath_comesFromTheIdsDate() {
        BackupId id = new BackupId("20261231T235959Z-0a1b");

        assertThat(VaultLayout.objectKey("orders", id, "0123abcd", "pgdump"))
                .isEqualTo("dumps/orders/2026/12/31/20261231T235959Z-0a1b.0123abcd.pgdump");
        assertThat(VaultLayout.manifestKey("orders", id))
                .isEqualTo("dumps/orders/2026/12/31/20261231T235959Z-0a1b.manifest.json");
        assertThat(VaultLayout.backupIdOf(VaultLayout.manifestKey("orders", id)))
                .isEqualTo(id);
    }

    @Test
    void idsSortByTime() {
        assertThat(new BackupId("20261125T030000Z")).isLessThan(new BackupId("20261125T030001Z-0000"));
    }

    @Test
    void malformedIds_andDatabaseIds_areRefusedWithTheAllowedForm() {
        assertThatThrownBy(() -> new BackupId("2026-11-25"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'2026-11-25' is not a Lifeboat backup id");
        for (String bad : new String[] {"", "a/b", "..", "-x", "x".repeat(64), "a b"}) {
            assertThatThrownBy(() -> VaultLayout.requireDatabaseId(bad)).isInstanceOf(InvalidInputException.class);
        }
        assertThat(VaultLayout.requireDatabaseId("Orders-db_2.eu")).isEqualTo("Orders-db_2.eu");
    }
}
