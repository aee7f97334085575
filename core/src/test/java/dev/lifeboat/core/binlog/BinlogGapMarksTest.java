package dev.lifeboat.core.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.testing.InMemoryVault;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Gap marks are written by the streamers in production, which may forge one: a mark that names no position or no
 * time is as unreadable as one that is not JSON (the recovery point then claims nothing past the dump), never a
 * NullPointerException in the audit.
 */
class BinlogGapMarksTest {
    @Test
    void aMarkNamingNoPositionOrTime_isNotAGapRead_butAWellFormedOneIs() {
        InMemoryVault vault = new InMemoryVault();
        String gaps = BinlogArchive.prefix("shop") + "gaps/";
        vault.putIfAbsent(
                gaps + "a.gap.json",
                "{\"databaseId\":\"shop\",\"detectedAt\":\"2026-12-05T03:00:00Z\",\"reason\":\"forged\"}"
                        .getBytes(StandardCharsets.UTF_8));
        vault.putIfAbsent(
                gaps + "b.gap.json",
                "{\"databaseId\":\"shop\",\"lastArchived\":{\"file\":\"binlog.000001\",\"position\":4},\"reason\":\"x\"}"
                        .getBytes(StandardCharsets.UTF_8));
        vault.putIfAbsent(
                gaps + "c.gap.json",
                ("{\"databaseId\":\"shop\",\"lastArchived\":{\"file\":\"binlog.000001\",\"position\":4},"
                                + "\"resumedAt\":{\"file\":\"binlog.000002\",\"position\":4},"
                                + "\"detectedAt\":\"2026-12-05T03:00:00Z\",\"reason\":\"purged\"}")
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(new BinlogArchive(vault).gaps("shop"))
                .singleElement()
                .satisfies(g -> assertThat(g.reason()).isEqualTo("purged"));
    }
}
