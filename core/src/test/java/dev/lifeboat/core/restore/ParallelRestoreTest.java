package dev.lifeboat.core.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.dump.TakingDump;
import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RestoreFailedException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.model.TableSize;
import dev.lifeboat.core.testing.FakeDumpTools;
import dev.lifeboat.core.testing.FakeInspector;
import dev.lifeboat.core.testing.InMemoryVault;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a parallel dump's restore loads every part, each checked against the manifest; a corrupt part stops
 * it, a database the restore created is removed, and one that existed is left with a message saying what it may hold.
 */
class ParallelRestoreTest {
    private final InMemoryVault vault = new InMemoryVault();
    private final FakeInspector inspector = new FakeInspector();
    private final FakeDumpTools tools = new FakeDumpTools();
    private final DatabaseTarget source =
            new DatabaseTarget(DatabaseEngine.POSTGRESQL, "db", 5432, "app", "u", Secret.of("p"));

    private DumpManifest parallelBackup() {
        inspector.tableSizes = List.of(
                new TableSize("public", "a", 300),
                new TableSize("public", "b", 200),
                new TableSize("public", "c", 100));
        return new TakingDump(vault, inspector, tools, Clock.systemUTC(), TakingDump.Settings.DEFAULTS.withJobs(3))
                .dump(new TakingDump.Command("orders", source, null, null))
                .manifest();
    }

    private RestoringDump restoring() {
        return new RestoringDump(vault, inspector, tools, Clock.systemUTC(), Duration.ofMinutes(1)).withJobs(2);
    }

    private static RestoringDump.Command into(String db, boolean create) {
        return new RestoringDump.Command(
                "orders",
                "latest",
                new DatabaseTarget(DatabaseEngine.POSTGRESQL, "db", 5432, db, "u", Secret.of("p")),
                create,
                false,
                false,
                null);
    }

    @Test
    void everyDataPart_isLoaded_afterTheSchema() {
        DumpManifest m = parallelBackup();

        RestoringDump.Result r = restoring().restore(into("restored", true));

        assertThat(r.bytes()).isEqualTo(m.totalBytes());
        String loaded = tools.loaded.toString(StandardCharsets.UTF_8);
        for (DumpManifest.Part p : m.parts()) {
            assertThat(loaded).contains(new String(vault.objects.get(p.objectKey()), StandardCharsets.UTF_8));
        }
        // Pre-data and post-data come from the staged file; the data parts are streamed: one load each.
        assertThat(tools.loadsStarted).isEqualTo(2 + m.parts().size());
    }

    @Test
    void aCorruptPart_stopsTheRestore_andTheDatabaseItCreatedGoes() {
        DumpManifest m = parallelBackup();
        byte[] part = vault.objects.get(m.parts().getLast().objectKey());
        part[part.length - 1] ^= 1;

        assertThatThrownBy(() -> restoring().restore(into("restored", true)))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining(m.parts().getLast().objectKey());
        assertThat(inspector.dropped).containsExactly("restored");
    }

    @Test
    void aCorruptPart_intoADatabaseThatExisted_isFoundBeforeAnythingLoads() {
        DumpManifest m = parallelBackup();
        byte[] part = vault.objects.get(m.parts().getFirst().objectKey());
        part[0] ^= 1;

        assertThatThrownBy(() -> restoring().restore(into("app", false))).isInstanceOf(ChecksumMismatchException.class);
        assertThat(tools.loadsStarted).as("nothing loaded, not even the schema").isZero();
        assertThat(inspector.dropped).isEmpty();
    }

    @Test
    void aFailureIntoADatabaseThatExisted_leavesIt_andSaysItMayHoldSomeTables() {
        parallelBackup();
        tools.loadFailure = "pg_restore: error: could not execute query";

        assertThatThrownBy(() -> restoring().restore(into("app", false)))
                .isInstanceOf(RestoreFailedException.class)
                .satisfies(e -> assertThat(((LifeboatException) e).describe())
                        .contains("was not dropped")
                        .contains("--create"));
        assertThat(inspector.dropped).isEmpty();
    }
}
