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

    /** Issue 13: --single-transaction loads a parallel backup through one session, all or nothing. */
    @Test
    void inOneTransaction_theSchemaAndEveryPartGoThroughOneSession_inOrder_andCommitAtTheEnd() {
        DumpManifest m = parallelBackup();

        RestoringDump.Result r = restoring().inOneTransaction(true).restore(into("restored", true));

        assertThat(r.bytes()).isEqualTo(m.totalBytes());
        assertThat(tools.sessionsStarted).isEqualTo(1);
        assertThat(tools.loadsStarted).as("no load of its own").isZero();
        assertThat(tools.scripts)
                .containsExactly("PRE_DATA <file>", "DATA <stdin>", "DATA <stdin>", "DATA <stdin>", "POST_DATA <file>");
        String fed = tools.loaded.toString(StandardCharsets.UTF_8);
        String schema = new String(vault.objects.get(m.objectKey()), StandardCharsets.UTF_8);
        StringBuilder expected = new StringBuilder("[PRE_DATA]" + schema);
        for (DumpManifest.Part p : m.parts()) {
            expected.append("[DATA]").append(new String(vault.objects.get(p.objectKey()), StandardCharsets.UTF_8));
        }
        expected.append("[POST_DATA]").append(schema);
        assertThat(fed).isEqualTo(expected.toString());
    }

    @Test
    void inOneTransaction_aCorruptLastPart_killsTheSession_soADatabaseThatExistedKeepsNothing() {
        DumpManifest m = parallelBackup();
        byte[] part = vault.objects.get(m.parts().getLast().objectKey());
        part[part.length - 1] ^= 1;

        assertThatThrownBy(() -> restoring().inOneTransaction(true).restore(into("app", false)))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining(m.parts().getLast().objectKey())
                .satisfies(e -> assertThat(((LifeboatException) e).describe())
                        .contains("one transaction, so it was left as it was"));
        assertThat(tools.sessionKilled).isTrue();
        assertThat(tools.loaded.size()).as("nothing committed").isZero();
        assertThat(inspector.dropped).isEmpty();
        // The last chunk of the corrupt part never reached the session.
        assertThat(tools.session.toString(StandardCharsets.UTF_8))
                .doesNotContain(new String(part, StandardCharsets.UTF_8));
    }

    @Test
    void inOneTransaction_aFailedStatement_intoADatabaseItCreated_removesIt() {
        parallelBackup();
        tools.loadFailure = "psql:<stdin>:42: ERROR:  duplicate key value violates unique constraint";

        assertThatThrownBy(() -> restoring().inOneTransaction(true).restore(into("restored", true)))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("duplicate key");
        assertThat(inspector.dropped).containsExactly("restored");
    }

    @Test
    void inOneTransaction_isForPostgreSql_andRefusedForMariaDb_beforeAnythingChanges() {
        DatabaseTarget shop = new DatabaseTarget(DatabaseEngine.MARIADB, "db", 3306, "shop", "u", Secret.of("p"));
        new TakingDump(vault, inspector, tools, Clock.systemUTC(), TakingDump.Settings.DEFAULTS)
                .dump(new TakingDump.Command("shop", shop, null, null));
        RestoringDump.Command mariadb = new RestoringDump.Command(
                "shop",
                "latest",
                new DatabaseTarget(DatabaseEngine.MARIADB, "db", 3306, "shop_restored", "u", Secret.of("p")),
                true,
                false,
                false,
                null);

        assertThatThrownBy(() -> restoring().inOneTransaction(true).restore(mariadb))
                .isInstanceOf(dev.lifeboat.core.error.InvalidInputException.class)
                .hasMessageContaining("is for PostgreSQL: MariaDB and MySQL commit as they load");
        assertThat(inspector.created).isEmpty();
        assertThat(tools.sessionsStarted + tools.loadsStarted).isZero();
    }
}
