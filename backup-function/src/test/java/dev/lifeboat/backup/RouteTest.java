package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.dump.BackupId;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.ManifestCodec;
import dev.lifeboat.core.dump.VaultLayout;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryVault;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/** Issue 13: the scheduled-dump state machine asks the function where a run goes, from lifeboat.yml and the vault. */
class RouteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-26T03:00:00Z");
    private final InMemoryVault vault = new InMemoryVault();
    private final BackupHandler handler = new BackupHandler(
            ConfigLoader.parse("""
                    backup:
                      account: "222222222222"
                      region: eu-central-1
                      kmsKeyArn: arn:aws:kms:eu-central-1:222222222222:key/backup
                      vault: s3://vault/lifeboat
                    databases:
                      big:
                        engine: postgres
                        source: {account: "111111111111", region: eu-west-1, instance: big-prod,
                                 roleArn: "arn:aws:iam::111111111111:role/lifeboat-source", externalId: lifeboat-big}
                        retention: {daily: 7}
                        dump: {secretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:big-AbCdEf", runOn: auto}
                    """, "test"),
            vault,
            arn -> {
                throw new AssertionError("routing reads no secret");
            },
            new FakeInspector(),
            new FakeDumpTools(),
            Clock.fixed(NOW, ZoneOffset.UTC),
            MetricsFactory.getMetricsInstance());

    private void lastDumpTook(long seconds) {
        BackupId id = new BackupId("20261125T030000Z");
        String object = VaultLayout.objectKey("big", id, "0a0b0c0d", "pgdump");
        vault.objects.put(object, new byte[] {1, 2, 3});
        DumpManifest m = DumpManifest.builder()
                .manifestVersion(1)
                .backupId(id.value())
                .databaseId("big")
                .engine(DatabaseEngine.POSTGRESQL)
                .serverVersion("16")
                .dumpTool("pg_dump")
                .dumpToolVersion("pg_dump 17")
                .format("pg_dump-custom")
                .startedAt(NOW.minusSeconds(86_400))
                .finishedAt(NOW.minusSeconds(86_400 - seconds))
                .sizeBytes(3)
                .sha256("ab".repeat(32))
                .objectKey(object)
                .exactRowCountThreshold(0)
                .tables(List.of())
                .compression("gzip:1")
                .build();
        vault.objects.put(VaultLayout.manifestKey("big", id), ManifestCodec.write(m));
    }

    @Test
    void aDatabaseNeverDumped_runsInLambda_andOneWhoseLastDumpTookTenMinutes_onFargate() throws Exception {
        assertThat(handler.route(JSON.readTree("{\"route\": true, \"database\": \"big\"}"))
                        .get("runOn")
                        .asText())
                .isEqualTo("LAMBDA");
        lastDumpTook(600);
        var answer = handler.route(JSON.readTree("{\"route\": true, \"database\": \"big\"}"));
        assertThat(answer.get("runOn").asText()).isEqualTo("FARGATE");
        assertThat(answer.get("reason").asText()).contains("600 s");
    }

    @Test
    void aRouteForADatabaseThatIsNotConfigured_isRefusedNamingTheConfiguredOnes() {
        assertThatThrownBy(() -> handler.route(JSON.readTree("{\"route\": true, \"database\": \"bgi\"}")))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(
                        e -> assertThat(((InvalidInputException) e).describe()).contains("big"));
    }
}
