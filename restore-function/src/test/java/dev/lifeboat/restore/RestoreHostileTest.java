package dev.lifeboat.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.config.TestConfigs;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryRds;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.protocol.request.Requests;
import dev.lifeboat.protocol.request.RestoreRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Review of ec5fb28 (issue 35): each test here fails against that commit and names a finding. */
class RestoreHostileTest {
    private final Clock clock = Clock.fixed(java.time.Instant.parse("2026-11-26T06:00:00Z"), java.time.ZoneOffset.UTC);

    private RestoreHandler handler(boolean inLambda, InMemoryVault vault) {
        var config = TestConfigs.orders("vault: s3://vault/lifeboat", "", """
                dump:
                  secretArn: arn:aws:secretsmanager:eu-west-1:111111111111:secret:orders-AbCdEf
                  runOn: fargate
                """);
        return new RestoreHandler(
                config,
                new InMemoryRds(clock),
                null,
                () -> vault,
                id -> {
                    throw new AssertionError("no secret is read in this test");
                },
                new FakeInspector(),
                new FakeDumpTools(),
                clock,
                null,
                inLambda);
    }

    /**
     * The task checks the kind before it builds its work (lifeboat.yml from S3, the clients), but a payload with
     * toTime, which it can never run, is refused only inside the built handler, and in the function's words
     * ("not available from the restore function") although the task is what was started.
     */
    @Test
    void theTask_refusesToTime_beforeBuildingAnything_inItsOwnWords() {
        AtomicInteger built = new AtomicInteger();
        RestoreHandler real = handler(false, new InMemoryVault());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = RestoreTask.run(
                Map.of(
                        RestoreTask.RESTORE,
                        "{\"database\":\"orders\",\"from\":\"dump\",\"targetSecretArn\":\"arn:s\","
                                + "\"toTime\":\"2026-12-05T22:59:30Z\"}"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                () -> {
                    built.incrementAndGet();
                    return new RestoreTask.Work() {
                        @Override
                        public JsonNode restore(RestoreRequest request, Duration budget) {
                            return real.restore(request, budget);
                        }

                        @Override
                        public JsonNode step(JsonNode state, Duration budget) {
                            throw new AssertionError();
                        }
                    };
                },
                null,
                Duration.ofMillis(20));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("from the restore function");
        assertThat(built)
                .as("work built before a refusal the payload alone decides")
                .hasValue(0);
    }

    /**
     * The "too large for Lambda" hint puts the payload in single quotes for a shell: a value holding a ' (a
     * PostgreSQL database may be named so) ends the quoting, and what the shell passes is not the payload.
     */
    @Test
    void theTooLargeHint_quotesThePayloadSoTheShellPassesItWhole() {
        InMemoryVault vault = new InMemoryVault();
        dev.lifeboat.core.testing.FakeDumps.take(vault, "orders", clock);
        String payload = "{\"database\":\"orders\",\"from\":\"dump\",\"targetSecretArn\":\"arn:s\","
                + "\"targetDatabase\":\"o'neil\",\"create\":true}";
        RestoreRequest asked = RestoreRequest.read(Requests.tree(payload));
        assertThatThrownBy(() -> handler(true, vault).handle(Requests.tree(payload)))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> {
                    String hint = ((InvalidInputException) e).hint();
                    assertThat(hint).contains("--input ");
                    String word = shellWord(hint.substring(hint.indexOf("--input ") + "--input ".length()));
                    assertThat(RestoreRequest.read(Requests.tree(word))).isEqualTo(asked);
                });
    }

    /**
     * Param.TIMEOUT_MINUTES now has the payload field timeoutMinutes, so RestoringDump's time-out hint tells a function
     * user to "raise the restore's time limit (field 'timeoutMinutes')": the function's budget is min(invocation,
     * timeoutMinutes), so a restore stopped by the invocation's 15 minutes is not helped by raising it (before, the
     * hint named the command line's --timeout-minutes, "no payload field: run lifeboat").
     */
    @Test
    void aDumpRestoreStoppedByTheInvocation_isNotToldToRaiseTimeoutMinutes() {
        var config = TestConfigs.orders("vault: s3://vault/lifeboat", "", "");
        InMemoryVault vault = new InMemoryVault();
        FakeInspector inspector = new FakeInspector();
        FakeDumpTools tools = new FakeDumpTools();
        var source = new dev.lifeboat.core.model.DatabaseTarget(
                dev.lifeboat.core.model.DatabaseEngine.POSTGRESQL,
                "db",
                5432,
                "app",
                "u",
                dev.lifeboat.core.model.Secret.of("p"));
        new dev.lifeboat.core.dump.TakingDump(
                        vault, inspector, tools, clock, dev.lifeboat.core.dump.TakingDump.Settings.DEFAULTS)
                .dump(new dev.lifeboat.core.dump.TakingDump.Command("orders", source, null, null));
        tools.loadFailure = "stopped";
        RestoreHandler h =
                new RestoreHandler(config, new InMemoryRds(clock), () -> vault, id -> source, inspector, tools, clock);
        assertThatThrownBy(() -> h.handle(
                        Requests.tree("{\"database\":\"orders\",\"from\":\"dump\",\"targetSecretArn\":\"arn:s\","
                                + "\"targetDatabase\":\"orders_restored\",\"create\":true}"),
                        Duration.ofNanos(1)))
                .isInstanceOf(dev.lifeboat.core.error.LifeboatException.class)
                .satisfies(e -> assertThat(((dev.lifeboat.core.error.LifeboatException) e)
                                .describe(dev.lifeboat.protocol.Vocabulary.PAYLOAD))
                        .contains("did not finish within")
                        .doesNotContain("field 'timeoutMinutes'"));
    }

    /** The first word of {@code s} as a POSIX shell reads it: '...' quoted, \x escaped, ends at a blank. */
    private static String shellWord(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
            char c = s.charAt(i);
            if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new AssertionError("an unterminated ' in the hint: a shell waits for more input: " + s);
                }
                out.append(s, i + 1, end);
                i = end + 1;
            } else if (c == '\\') {
                out.append(s.charAt(i + 1));
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
