package dev.lifeboat.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.error.DatabaseAccessException;
import dev.lifeboat.core.error.RestoreFailedException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryVault;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Review of RestoringDump's split (9b16089): what the one class did before the split, the classes do after it.
 */
class RestoringDumpSplitReviewTest {
    private final InMemoryVault vault = new InMemoryVault();
    private final FakeInspector inspector = new FakeInspector();
    private final FakeDumpTools tools = new FakeDumpTools();
    private final DatabaseTarget source =
            new DatabaseTarget(DatabaseEngine.POSTGRESQL, "prod", 5432, "app", "u", Secret.none());

    @BeforeEach
    void aBackup() {
        tools.output = "small".getBytes(StandardCharsets.UTF_8);
        new TakingDump(
                        vault,
                        inspector,
                        tools,
                        Clock.fixed(Instant.parse("2026-11-25T03:00:00Z"), ZoneOffset.UTC),
                        TakingDump.Settings.DEFAULTS)
                .dump(new TakingDump.Command("orders", source, null, null));
    }

    /**
     * Before the split, any failure inside the cleanup's reach once the restore's limit had passed was the restore's
     * time-out, the completion note included (the SIGTERM at 90% of RestoreTaskFaultsIT): its message and the front
     * end's hint ({@link RestoringDump#whenOutOfTime}), the tool's failure kept as cause. After it, only failures inside
     * DumpLoad.load were, and a completion note failing past the limit surfaced as itself, without the hint.
     */
    @Test
    void aCompletionNoteFailingPastTheLimit_isTheRestoresTimeOut_andTheDatabaseItCreatedGoes() {
        inspector.completeNoteDelay = Duration.ofMillis(1_500);
        inspector.completeNoteFailure = new DatabaseAccessException("the connection was closed: told to stop", "");
        RestoringDump limited = new RestoringDump(vault, inspector, tools, Clock.systemUTC(), Duration.ofSeconds(1))
                .whenOutOfTime("run the same payload as the Fargate task");

        assertThatThrownBy(() -> limited.restore(new RestoringDump.Command(
                        "orders", "latest", source.withDatabase("rescue"), true, false, false, null)))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("the restore did not finish within 1 s and was stopped")
                .hasCauseInstanceOf(DatabaseAccessException.class)
                .satisfies(e -> assertThat(((RestoreFailedException) e).hint())
                        .contains("run the same payload as the Fargate task", "database 'rescue'", "was removed"));
        assertThat(inspector.dropped).containsExactly("rescue");
    }
}
