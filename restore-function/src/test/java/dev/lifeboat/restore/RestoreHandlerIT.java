package dev.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.adapters.jdbc.JdbcInspector;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.s3.S3Vault;
import dev.lifeboat.adapters.secrets.SecretsManagerSource;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.error.RefusedException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.testing.Fingerprint;
import dev.lifeboat.testing.Fixtures;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A dump restore through the restore function: moto S3 and Secrets Manager, a real PostgreSQL. */
@ExtendWith(RealParts.class)
class RestoreHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void dumpRestore_bringsBackTheSameData_andRefusesATargetWithTables(PostgresServer pg, MotoServer moto)
            throws Exception {
        var s3 = moto.s3();
        String bucket = moto.newBucket(s3, true);
        LifeboatConfig config = ConfigLoader.parse("""
                backup:
                  account: "123456789012"
                  region: eu-west-1
                  kmsKeyArn: arn:aws:kms:eu-west-1:123456789012:key/backup
                  vault: s3://%s/lifeboat
                databases:
                  orders:
                    engine: postgres
                    source:
                      account: "111111111111"
                      region: eu-west-1
                      instance: orders-prod
                      roleArn: arn:aws:iam::111111111111:role/lifeboat-source
                      externalId: lifeboat-orders
                    retention: {daily: 7}
                """.formatted(bucket), "test");
        S3Vault vault = new S3Vault(s3, S3Vault.Settings.of(bucket, "lifeboat"), Clock.systemUTC());
        DatabaseTarget source = pg.newDatabase("fnsrc");
        Fixtures.loadTricky(pg, source.database());
        new TakingDump(
                        vault,
                        new JdbcInspector(),
                        ProcessDumpTools.fromEnvironment(),
                        Clock.systemUTC(),
                        TakingDump.Settings.DEFAULTS)
                .dump(new TakingDump.Command("orders", source, null, null));
        String secret = "lifeboat/restore-target/" + UUID.randomUUID();
        moto.secretsManager()
                .createSecret(b -> b.name(secret)
                        .secretString("{\"engine\":\"postgres\",\"host\":\"" + pg.host()
                                + "\",\"port\":" + pg.port() + ",\"username\":\"" + pg.user() + "\",\"password\":\""
                                + pg.password()
                                + "\",\"dbname\":\"postgres\"}"));
        RestoreHandler handler = new RestoreHandler(
                config,
                new InMemoryRds(Clock.systemUTC()),
                () -> vault,
                new SecretsManagerSource(moto.secretsManager()),
                new JdbcInspector(),
                ProcessDumpTools.fromEnvironment(),
                Clock.systemUTC());
        String target = PostgresServer.uniqueName("fnrestored");

        JsonNode out = handler.handle(JSON.readTree("""
                {"database": "orders", "from": "dump", "backup": "latest", "targetSecretArn": "%s",
                 "targetDatabase": "%s", "create": true}""".formatted(secret, target)));

        assertThat(out.path("status").asText()).isEqualTo("AVAILABLE");
        assertThat(out.path("message").asText()).contains("sha256 verified");
        assertThat(Fingerprint.of(pg, target)).isEqualTo(Fingerprint.of(pg, source.database()));

        assertThatThrownBy(() -> handler.handle(JSON.readTree("""
                {"database": "orders", "from": "dump", "targetSecretArn": "%s", "targetDatabase": "%s"}""".formatted(secret, target))))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("already holds");
    }
}
