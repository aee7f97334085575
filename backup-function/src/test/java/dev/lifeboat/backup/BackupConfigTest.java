package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.InvalidInputException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupConfigTest {
    private final Map<String, String> env = new HashMap<>(Map.of(
            "LIFEBOAT_VAULT", "s3://vault/dumps",
            "LIFEBOAT_DATABASES",
                    "{\"orders\": {\"secretId\": \"arn:aws:secretsmanager:eu-west-1:1:secret:orders\"}}"));

    @Test
    void readsAValidEnvironment() {
        env.put("LIFEBOAT_OBJECT_LOCK_MODE", "compliance");
        env.put("LIFEBOAT_OBJECT_LOCK_DAYS", "35");

        BackupConfig c = BackupConfig.fromEnvironment(env);

        assertThat(c.databases()).containsOnlyKeys("orders");
        assertThat(c.lockMode()).isEqualTo("COMPLIANCE");
        assertThat(c.lockFor()).hasDays(35);
    }

    @Test
    void eachBadField_isNamed() {
        assertError(Map.of("LIFEBOAT_VAULT", "file:/tmp"), "LIFEBOAT_VAULT must be s3://BUCKET/PREFIX");
        assertError(Map.of("LIFEBOAT_DATABASES", "{\"orders\": {}}"), "LIFEBOAT_DATABASES.orders.secretId is missing");
        assertError(Map.of("LIFEBOAT_DATABASES", "{\"../x\": {\"secretId\": \"s\"}}"), "LIFEBOAT_DATABASES.../x");
        assertError(Map.of("LIFEBOAT_DATABASES", "not json"), "LIFEBOAT_DATABASES is not JSON");
        assertError(
                Map.of("LIFEBOAT_OBJECT_LOCK_DAYS", "7"),
                "LIFEBOAT_OBJECT_LOCK_MODE and LIFEBOAT_OBJECT_LOCK_DAYS go together");
        assertError(
                Map.of("LIFEBOAT_OBJECT_LOCK_MODE", "FOREVER", "LIFEBOAT_OBJECT_LOCK_DAYS", "7"),
                "must be COMPLIANCE or GOVERNANCE");
        assertError(
                Map.of("LIFEBOAT_EXACT_COUNT_THRESHOLD", "lots"),
                "LIFEBOAT_EXACT_COUNT_THRESHOLD must be a whole number");
    }

    private void assertError(Map<String, String> override, String message) {
        Map<String, String> e = new HashMap<>(env);
        e.putAll(override);
        assertThatThrownBy(() -> BackupConfig.fromEnvironment(e))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(message);
    }
}
