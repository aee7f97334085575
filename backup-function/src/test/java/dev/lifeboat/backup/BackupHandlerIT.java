package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.adapters.jdbc.JdbcInspector;
import dev.lifeboat.adapters.process.ProcessDumpTools;
import dev.lifeboat.adapters.secrets.SecretsManagerSource;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LambdaFailure;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.Vault;
import dev.lifeboat.core.restore.BackupCatalog;
import dev.lifeboat.testing.FakeLambdaContext;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.MotoServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/** The handler as Lambda calls it, with real clients pointed at moto and real database servers. */
@ExtendWith(RealParts.class)
class BackupHandlerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private MotoServer moto;
    private SecretsManagerClient sm;
    private String bucket;
    private String kmsKey;

    @BeforeEach
    void setUp(MotoServer moto) {
        this.moto = moto;
        this.sm = moto.secretsManager();
        this.bucket = moto.newBucket(moto.s3(), true);
        this.kmsKey = moto.newKmsKey();
        originalOut = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
    }

    /** A secret in the RDS format; its ARN, as lifeboat.yml names it. */
    private String secretFor(DatabaseTarget t, String engine, String password) {
        String name = "lifeboat/test/" + UUID.randomUUID();
        return sm.createSecret(b -> b.name(name)
                        .secretString("{\"engine\":\"" + engine + "\",\"host\":\"" + t.host()
                                + "\",\"port\":" + t.port() + ",\"username\":\"" + t.user() + "\",\"password\":\""
                                + password + "\",\"dbname\":\"" + t.database() + "\"}"))
                .arn();
    }

    private BackupHandler handler(LifeboatConfig config) {
        Vault vault = BackupHandler.openVault(config, moto.clients(), Clock.systemUTC());
        return new BackupHandler(
                config,
                vault,
                new SecretsManagerSource(sm),
                new JdbcInspector(),
                ProcessDumpTools.fromEnvironment(),
                Clock.systemUTC(),
                MetricsFactory.getMetricsInstance());
    }

    /**
     * lifeboat.yml as the CDK app hands it to a source account's dump function: the vault, the backup key,
     * and each database with the secret of its dump block ({@code id -> engine secretArn}).
     */
    private LifeboatConfig config(String... idEngineSecret) {
        StringBuilder yaml =
                new StringBuilder("""
                backup:
                  account: "222222222222"
                  region: %s
                  kmsKeyArn: %s
                  vault: s3://%s/lifeboat
                databases:
                """.formatted("eu-west-1", kmsKey, bucket)); // moto's Region (MotoServer.REGION)
        for (int i = 0; i < idEngineSecret.length; i += 3) {
            yaml.append("""
                      %s:
                        engine: %s
                        source: {account: "111111111111", region: eu-west-1, instance: %s-prod,
                                 roleArn: "arn:aws:iam::111111111111:role/lifeboat-source", externalId: lifeboat-%s}
                        retention: {daily: 7}
                        dump: {secretArn: "%s"}
                    """.formatted(
                            idEngineSecret[i],
                            idEngineSecret[i + 1],
                            idEngineSecret[i],
                            idEngineSecret[i],
                            idEngineSecret[i + 2]));
        }
        return ConfigLoader.parse(yaml.toString(), "test lifeboat.yml");
    }

    private static final String NO_SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:none-AbCdEf";

    private static JsonNode invoke(BackupHandler h, String input) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        h.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, new FakeLambdaContext());
        return JSON.readTree(out.toByteArray());
    }

    @Test
    void theSameScheduledRunInvokedTwice_makesOneBackup_withLogsAndMetrics(PostgresServer pg) throws Exception {
        DatabaseTarget db = pg.newDatabase("fn");
        pg.execute(db.database(), "CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 1000) g");
        BackupHandler h = handler(config("orders", "postgres", secretFor(db, "postgres", pg.password())));
        String input = "{\"database\": \"orders\", \"runId\": \"2026-11-25T03:00:00Z\"}";

        JsonNode first = invoke(h, input);
        JsonNode second = invoke(h, input);

        assertThat(first.at("/results/0/status").asText()).isEqualTo("CREATED");
        assertThat(first.at("/results/0/backupId").asText()).isEqualTo("20261125T030000Z");
        assertThat(second.at("/results/0/status").asText()).isEqualTo("ALREADY_EXISTED");
        Vault vault =
                BackupHandler.openVault(config("orders", "postgres", NO_SECRET), moto.clients(), Clock.systemUTC());
        assertThat(new BackupCatalog(vault, Clock.systemUTC()).backups("orders"))
                .hasSize(1);

        String out = stdout.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .contains("\"DumpBytes\"")
                .contains("\"Database\":\"orders\"")
                .contains("\"Namespace\":\"Lifeboat\"");
        assertThat(out.lines().filter(l -> l.contains("\"message\"")))
                .as("structured JSON log lines")
                .isNotEmpty()
                .allSatisfy(l -> assertThat(JSON.readTree(l).has("level")).isTrue());
        assertThat(out).doesNotContain(pg.password());
    }

    /**
     * Issue 36, item 2: the example's orders, dumped by the function in eu-west-1 into the vault in backup.region
     * eu-central-1, through a front that answers a request signed for the wrong Region with S3's 301 PermanentRedirect
     * (moto alone would take it). The handler is built as Lambda builds it, from AwsClients of its own Region.
     */
    @Test
    void aDumpFromEuWest1_intoAVaultInEuCentral1_succeeds_throughAFrontThatRedirectsAsS3Does(PostgresServer pg)
            throws Exception {
        DatabaseTarget db = pg.newDatabase("fn");
        pg.execute(db.database(), "CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 1000) g");
        String central = "eu-central-1";
        String centralBucket = moto.newBucketIn(central, true);
        LifeboatConfig config = ConfigLoader.parse(
                """
                backup:
                  account: "222222222222"
                  region: eu-central-1
                  kmsKeyArn: %s
                  vault: s3://%s/lifeboat
                databases:
                  orders:
                    engine: postgres
                    source: {account: "111111111111", region: eu-west-1, instance: orders-prod,
                             roleArn: "arn:aws:iam::111111111111:role/lifeboat-source", externalId: lifeboat-orders}
                    retention: {daily: 7}
                    dump: {secretArn: "%s"}
                """.formatted(moto.newKmsKey(central), centralBucket, secretFor(db, "postgres", pg.password())),
                "test lifeboat.yml");
        try (var front = new dev.lifeboat.testing.S3RegionFront(moto.endpoint());
                var aws = MotoServer.clients(front.endpoint(), "eu-west-1")) {
            assertThatThrownBy(() -> aws.s3().headBucket(b -> b.bucket(centralBucket)))
                    .as("the front answers a client of the function's Region as S3 does")
                    .hasMessageContaining("301");
            BackupHandler h = new BackupHandler(config, aws, Clock.systemUTC());

            JsonNode r = invoke(h, "{\"database\": \"orders\", \"runId\": \"2026-11-25T03:00:00Z\"}");

            assertThat(r.at("/results/0/status").asText()).isEqualTo("CREATED");
            assertThat(new BackupCatalog(BackupHandler.openVault(config, aws, Clock.systemUTC()), Clock.systemUTC())
                            .backups("orders"))
                    .singleElement()
                    .satisfies(m -> assertThat(m.backupId()).isEqualTo("20261125T030000Z"));
        }
    }

    @Test
    void aScheduledEvent_dumpsEveryConfiguredDatabase(PostgresServer pg, MariaDbServer maria) throws Exception {
        DatabaseTarget p = pg.newDatabase("fn");
        DatabaseTarget m = maria.newDatabase("fn");
        BackupHandler h = handler(config(
                "orders",
                "postgres",
                secretFor(p, "postgres", pg.password()),
                "shop",
                "mariadb",
                secretFor(m, "mariadb", maria.password())));

        JsonNode r = invoke(h, """
                {"version": "0", "id": "e-1", "detail-type": "Scheduled Event", "source": "aws.events",
                 "time": "2026-11-26T03:00:00Z", "resources": ["arn:aws:events:eu-west-1:1:rule/lifeboat"], "detail": {}}""");

        assertThat(r.get("results"))
                .extracting(
                        n -> n.get("database").asText() + "=" + n.get("status").asText())
                .containsExactly("orders=CREATED", "shop=CREATED");
        assertThat(r.at("/results/1/objectKey").asText())
                .matches("dumps/shop/2026/11/26/20261126T030000Z\\.[0-9a-f]{8}\\.sql\\.gz");
        // In S3, inside the source account's space: the one prefix the vault's policy lets that account write.
        assertThat(moto.clients()
                        .s3()
                        .listObjectsV2(b -> b.bucket(bucket).prefix("lifeboat/"))
                        .contents())
                .extracting(software.amazon.awssdk.services.s3.model.S3Object::key)
                .isNotEmpty()
                .allMatch(k -> k.startsWith("lifeboat/accounts/111111111111/dumps/"))
                .anyMatch(k -> k.equals("lifeboat/accounts/111111111111/"
                        + r.at("/results/1/objectKey").asText()));
    }

    @Test
    void oneFailingDatabase_failsTheInvocation_afterTheOthersAreBackedUp(PostgresServer pg) throws Exception {
        DatabaseTarget good = pg.newDatabase("fn");
        DatabaseTarget bad = pg.newDatabase("fn");
        BackupHandler h = handler(config(
                "good",
                "postgres",
                secretFor(good, "postgres", pg.password()),
                "bad",
                "postgres",
                secretFor(bad, "postgres", "wrong-password-1")));

        assertThatThrownBy(
                        () -> invoke(h, "{\"detail-type\": \"Scheduled Event\", \"time\": \"2026-11-27T03:00:00Z\"}"))
                .isInstanceOf(BackupHandler.BackupRunFailedException.class)
                .hasMessageContaining("bad: ")
                .hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("wrong-password-1");
        // Read as the backup account does: each database from the space of the account lifeboat.yml names for it.
        Vault vault = BackupHandler.openVault(
                config("good", "postgres", NO_SECRET, "bad", "postgres", NO_SECRET), moto.clients(), Clock.systemUTC());
        assertThat(new BackupCatalog(vault, Clock.systemUTC()).databases()).containsExactly("good");
    }

    @Test
    void anUnknownDatabase_isRefused_listingTheConfiguredOnes() {
        BackupHandler h = handler(config("orders", "postgres", NO_SECRET));

        // Lambda reports only the message, so it carries the cause and the choices together.
        assertThatThrownBy(() -> invoke(h, "{\"database\": \"billing\"}"))
                .isInstanceOf(LambdaFailure.class)
                .hasMessage("database \"billing\" is not configured for this function. use some of: orders")
                .hasCauseInstanceOf(InvalidInputException.class);
        assertThat(moto.s3().listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
    }
}
