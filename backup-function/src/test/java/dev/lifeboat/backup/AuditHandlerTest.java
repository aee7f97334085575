package dev.lifeboat.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lifeboat.config.TestConfigs;
import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DbKind;
import dev.lifeboat.core.model.Location;
import dev.lifeboat.core.port.RdsDatabases.Protection;
import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.lambda.powertools.metrics.MetricsFactory;

/** The audit function over the in-memory RDS and vault: its metrics, its output, and the incident alert. */
class AuditHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Location PROD = new Location("111111111111", "eu-west-1");

    private final InMemoryVault vault = new InMemoryVault();
    private final List<String[]> sent = new ArrayList<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private PrintStream original;
    private MutableClock clock;
    private InMemoryRds rds;
    private AuditHandler handler;

    @BeforeEach
    void setUp() {
        DumpManifest m = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);
        clock = new MutableClock(m.startedAt().plus(Duration.ofHours(2)));
        rds = new InMemoryRds(clock);
        rds.addDatabase(PROD, "orders-prod", "postgres", null);
        rds.addDatabase(PROD, "payroll-prod", "postgres", null);
        rds.protection.put("orders-prod", new Protection(DbKind.INSTANCE, "orders-prod", true, 7, false, null));
        rds.protection.put("payroll-prod", new Protection(DbKind.INSTANCE, "payroll-prod", true, 7, false, null));
        LifeboatConfig config = TestConfigs.orders("", "", "schedules: {dump: \"cron(0 3 * * ? *)\"}");
        original = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        handler = new AuditHandler(
                config,
                rds,
                null,
                vault,
                (subject, message) -> sent.add(new String[] {subject, message}),
                clock,
                MetricsFactory.getMetricsInstance());
    }

    @AfterEach
    void restore() {
        System.setOut(original);
    }

    @Test
    void theScheduledAudit_countsFindingsPerSeverity_asMetrics_zeroIncluded() throws Exception {
        JsonNode out = handler.handle(JSON.readTree("{\"action\": \"audit\"}"));

        assertThat(out.path("high").asInt()).isEqualTo(1);
        assertThat(out.path("medium").asInt()).isZero();
        assertThat(out.path("findings")).singleElement().satisfies(f -> {
            assertThat(f.path("identifier").asText()).isEqualTo("payroll-prod");
            assertThat(f.path("problem").asText()).isEqualTo("not protected by Lifeboat");
        });
        String emf = stdout.toString(StandardCharsets.UTF_8);
        assertThat(emf)
                .contains("\"AuditFindings\"")
                .contains("\"Severity\":\"HIGH\"")
                .contains("\"Severity\":\"MEDIUM\"");
        assertThat(sent).as("the audit alarms through its metric, not by mail").isEmpty();
        // Issue 41: each database's recovery point, in the output and as a metric for the dashboard.
        assertThat(out.path("recoveryPoints").path("orders").path("ageMinutes").asLong())
                .isEqualTo(120);
        assertThat(out.path("recoveryPoints").path("orders").path("by").asText())
                .startsWith("dump ");
        assertThat(emf).contains("\"RecoveryPointAgeMinutes\":120.0").contains("\"Database\":\"orders\"");

        // The dump goes stale: a second high finding.
        clock.now = clock.now.plus(Duration.ofHours(30));
        assertThat(handler.handle(JSON.readTree("{\"action\": \"audit\"}"))
                        .path("high")
                        .asInt())
                .isEqualTo(2);
    }

    /** Issue 37: the deployed audit reads the source accounts' incident rules; one disabled is a high finding. */
    @Test
    void aDisabledIncidentRuleInProduction_isAHighFindingOfTheScheduledAudit() throws Exception {
        LifeboatConfig config = TestConfigs.orders("", "", "schedules: {dump: \"cron(0 3 * * ? *)\"}");
        String bus = dev.lifeboat.protocol.Names.backupBusArn(
                config.backup().account(), config.backup().region());
        String disabled = dev.lifeboat.protocol.Names.INCIDENT_RULES.getFirst();
        AuditHandler watching = new AuditHandler(
                config,
                rds,
                null,
                vault,
                (subject, message) -> sent.add(new String[] {subject, message}),
                clock,
                MetricsFactory.getMetricsInstance(),
                (where, name) -> new dev.lifeboat.core.port.IncidentForwarding.Rule(
                        name, true, !name.equals(disabled), List.of(bus)));

        JsonNode out = watching.handle(JSON.readTree("{\"action\": \"audit\"}"));

        assertThat(out.path("high").asInt()).isEqualTo(2);
        assertThat(out.path("findings").toString()).contains(disabled).contains("is disabled");
    }

    /**
     * Issue 37, the dead man's switch: once a day every database's newest dump and copy with their ages, its last
     * verification and the findings go to the alarm subscribers, so a silenced alarm path is noticed by its silence.
     */
    @Test
    void theDailyDigest_namesEveryDatabasesNewestBackups_andTheFindings_toTheSubscribers() throws Exception {
        JsonNode out = handler.handle(JSON.readTree("{\"action\": \"digest\"}"));

        assertThat(out.path("action").asText()).isEqualTo("digest");
        assertThat(sent).singleElement().satisfies(s -> {
            assertThat(s[0])
                    .isEqualTo("Lifeboat daily: 1 databases, 1 high, 0 medium findings")
                    .hasSizeLessThan(101);
            assertThat(s[1])
                    .contains("orders (111111111111/eu-west-1 orders-prod)")
                    .containsPattern("newest dump: \\d{8}T\\d{6}Z-\\w+, taken \\S+ \\(2 h ago\\)")
                    .contains("newest copy: none")
                    .contains("last verification that passed: none")
                    .contains("HIGH 111111111111/eu-west-1 payroll-prod: not protected by Lifeboat")
                    .contains("If a day passes without this message");
        });
    }

    /** The digest reports the newest backups the audit read, and does not read them a second time. */
    @Test
    void theDailyDigest_readsTheVaultNoMoreThanTheAuditItReports() throws Exception {
        handler.handle(JSON.readTree("{\"action\": \"audit\"}"));
        int audit = vault.listings;
        vault.listings = 0;
        handler.handle(JSON.readTree("{\"action\": \"digest\"}"));
        assertThat(vault.listings).isPositive().isEqualTo(audit);
    }

    @Test
    void aForwardedDeletion_sendsTheAlert_withTheNewestDump() throws Exception {
        JsonNode event = JSON.readTree("""
                {"version": "0", "detail-type": "AWS API Call via CloudTrail", "source": "aws.rds",
                 "account": "111111111111", "region": "eu-west-1", "time": "2026-11-26T23:04:00Z",
                 "detail": {"eventName": "DeleteDBInstance", "eventSource": "rds.amazonaws.com",
                            "userIdentity": {"arn": "arn:aws:sts::111111111111:assumed-role/terraform/agent"},
                            "requestParameters": {"dBInstanceIdentifier": "orders-prod", "skipFinalSnapshot": true}}}
                """);

        JsonNode out = handler.handle(event);

        assertThat(out.path("database").asText()).isEqualTo("orders");
        assertThat(sent).singleElement().satisfies(s -> {
            assertThat(s[0]).isEqualTo("Lifeboat: DeleteDBInstance of orders in 111111111111/eu-west-1");
            assertThat(s[1])
                    .contains("orders-prod was deleted in 111111111111/eu-west-1 at 2026-11-26T23:04:00Z by"
                            + " arn:aws:sts::111111111111:assumed-role/terraform/agent")
                    .contains("newest good dump: ")
                    .contains("--from dump");
        });
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("\"Incidents\"");
    }

    @Test
    void anythingElse_isRefusedNamingWhatItTakes_andSendsNothing() throws Exception {
        assertThatThrownBy(() -> handler.handle(JSON.readTree("{\"acton\": \"audit\"}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the fields [acton]");
        assertThatThrownBy(
                        () -> handler.handle(
                                JSON.readTree(
                                        "{\"detail-type\": \"AWS API Call via CloudTrail\", \"detail\": {\"eventName\": \"DeleteDBInstance\"}}")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("lacks its account, region or detail.eventName");
        assertThat(sent).isEmpty();
    }
}
