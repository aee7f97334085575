package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.testing.FakeLambdaContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/**
 * Issue 16: the databases of one source instance share a schedule whose input names them all; the function dumps
 * them one after another, so the instance serves one dump at a time.
 */
class DumpsPerInstanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LifeboatConfig twoDatabasesOnOneInstance() {
        StringBuilder y = new StringBuilder("""
                backup:
                  account: "222222222222"
                  region: eu-central-1
                  kmsKeyArn: arn:aws:kms:eu-central-1:222222222222:key/backup
                  vault: s3://vault/lifeboat
                databases:
                """);
        for (String id : List.of("orders", "billing")) {
            y.append("""
                      %s:
                        engine: postgres
                        source: {account: "111111111111", region: eu-west-1, instance: shared-prod,
                                 roleArn: "arn:aws:iam::111111111111:role/lifeboat-source", externalId: lifeboat-x}
                        retention: {daily: 7}
                        dump: {secretArn: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:%s-AbCdEf", dbname: %s}
                    """.formatted(id, id, id));
        }
        return ConfigLoader.parse(y.toString(), "test lifeboat.yml");
    }

    private final InMemoryVault vault = new InMemoryVault();
    private final List<String> secretsRead = new ArrayList<>();
    private final BackupHandler handler = new BackupHandler(
            twoDatabasesOnOneInstance(),
            vault,
            arn -> {
                secretsRead.add(arn);
                return new DatabaseTarget(DatabaseEngine.POSTGRESQL, "db", 5432, "app", "u", Secret.of("p"));
            },
            new FakeInspector(),
            new FakeDumpTools(),
            Clock.systemUTC(),
            MetricsFactory.getMetricsInstance());

    @Test
    void theInstancesDatabases_dumpOneAfterAnother_inTheOrderGiven() throws Exception {
        var response = handler.run(
                JSON.readTree("{\"databases\": [\"billing\", \"orders\"], \"runId\": \"2026-11-26T03:07:00Z\"}"),
                new FakeLambdaContext());

        assertThat(response.get("results"))
                .extracting(
                        n -> n.get("database").asText() + "=" + n.get("status").asText())
                .containsExactly("billing=CREATED", "orders=CREATED");
        assertThat(secretsRead)
                .containsExactly(
                        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:billing-AbCdEf",
                        "arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-AbCdEf");
        // Sequential: the second upload starts only after the first completed.
        List<String> uploads = vault.events.stream()
                .filter(e -> e.startsWith("start ") || e.startsWith("complete "))
                .toList();
        assertThat(uploads).hasSize(4);
        assertThat(uploads.get(0)).startsWith("start dumps/billing/");
        assertThat(uploads.get(1)).startsWith("complete dumps/billing/");
        assertThat(uploads.get(2)).startsWith("start dumps/orders/");
    }

    /** Issue 35: the input is read strictly as the function's request type; a mistyped field is refused by name. */
    @Test
    void aMistypedField_isRefusedByName_beforeAnyDump() {
        assertThatThrownBy(() -> handler.run(
                        JSON.readTree("{\"databses\": [\"orders\"], \"runId\": \"2026-11-26T03:07:00Z\"}"),
                        new FakeLambdaContext()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("field 'databses' does not apply to a dump request");
        assertThat(vault.objects).isEmpty();
        assertThat(secretsRead).isEmpty();
    }

    @Test
    void aListNamingADatabaseThatIsNotConfigured_isRefusedByName_beforeAnyDump() {
        assertThatThrownBy(() -> handler.run(
                        JSON.readTree("{\"databases\": [\"orders\", \"ordres\"], \"runId\": \"2026-11-26T03:07:00Z\"}"),
                        new FakeLambdaContext()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("\"ordres\"");
        assertThat(vault.objects).isEmpty();
        assertThat(secretsRead).isEmpty();
    }
}
