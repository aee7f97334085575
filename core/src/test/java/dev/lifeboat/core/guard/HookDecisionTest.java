package dev.lifeboat.core.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.config.LifeboatConfig;
import dev.lifeboat.core.dump.DumpManifest;
import dev.lifeboat.core.guard.CommandHook.Context;
import dev.lifeboat.core.testing.FakeDumps;
import dev.lifeboat.core.testing.InMemoryVault;
import dev.lifeboat.core.testing.MutableClock;
import dev.lifeboat.core.testing.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hook's decision on a database-level command: a database of lifeboat.yml is matched by server (host and port)
 * and name together, never by the name alone (issue 43: {@code dropdb orders} passed because lifeboat.yml's orders
 * on another host had a fresh backup).
 */
class HookDecisionTest {
    private static final LifeboatConfig CONFIG = TestSettings.orders();
    private static final HookDecision.Addresses ON_DB_INTERNAL = served("postgresql://app@db.internal:5432/orders");

    @TempDir
    Path home;

    private final InMemoryVault vault = new InMemoryVault();
    private MutableClock clock;

    @BeforeEach
    void aFreshBackupOfOrders() {
        DumpManifest m = FakeDumps.take(vault, "orders", FakeDumps.AT_NIGHT);
        clock = new MutableClock(m.startedAt().plus(Duration.ofHours(1)));
    }

    private static HookDecision.Addresses served(String url) {
        return d -> d.id().equals("orders") ? DatabaseAddress.ofUrl(url) : Optional.empty();
    }

    private HookDecision.Result decide(String command, Map<String, String> env, HookDecision.Addresses addresses) {
        Map<String, String> all = new HashMap<>(env);
        all.put("HOME", home.toString());
        return HookDecision.decide(
                CONFIG,
                CommandHook.read(command, new Context(all, home)),
                new Guarding(vault, null, clock),
                null,
                "lifeboat.yml",
                addresses);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "dropdb -h db.internal orders",
                "dropdb --host=db.internal --port 5432 orders",
                "dropdb -eh db.internal orders",
                "PGHOST=db.internal dropdb orders",
                "PGHOST=DB.Internal. PGPORT=5432 psql -c 'DROP TABLE line_items' orders",
                "psql postgresql://app@db.internal:5432/orders -c 'DROP TABLE line_items'",
                "psql 'postgres://app:secret@db.internal/orders?sslmode=require' -c 'TRUNCATE line_items'",
                "pg_restore --clean -h db.internal -d orders orders.pgc",
                "DATABASE_URL=postgres://app:pw@db.internal:5432/orders npx drizzle-kit push --force",
            })
    void theConfiguredDatabase_onItsServer_isAllowed_withAFreshBackup(String command) {
        HookDecision.Result r = decide(command, Map.of(), ON_DB_INTERNAL);

        assertThat(r.blocked()).isEmpty();
        assertThat(r.allowed()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "dropdb orders", // this machine, not db.internal
                "dropdb -h db.other orders",
                "dropdb -h db.internal -p 5433 orders",
                "PGHOST=db.other dropdb orders",
                "psql -c 'DROP TABLE line_items' orders",
                "psql postgresql://app@db.other:5432/orders -c 'DROP TABLE line_items'",
                "psql postgresql://app@db.internal:5432/orders_eu -c 'DROP TABLE line_items'",
                "mysql -h db.internal -e 'DROP DATABASE orders' orders", // MySQL's port, not PostgreSQL's
                "dropdb -h \"$HOST\" orders",
                "DATABASE_URL=postgres://app@db.other/orders drizzle-kit push --force",
                "drizzle-kit push --force",
                "railway run dropdb -h db.internal orders", // the port comes from railway's environment
                "PGSERVICE=prod dropdb -h db.internal orders",
                "psql 'host=db.internal dbname=orders' -c 'DROP TABLE x'",
            })
    void aDatabaseOfTheSameName_elsewhere_orUnknown_isBlocked_evenWithAFreshBackupOfOrders(String command) {
        HookDecision.Result r = decide(command, Map.of(), ON_DB_INTERNAL);

        assertThat(r.allowed()).as(command).isFalse();
        assertThat(r.blocked()).singleElement().asString().contains("lifeboat guard --take-backup --");
    }

    @Test
    void theEnvironment_decidesWhereAClientConnects() {
        assertThat(decide("dropdb orders", Map.of("PGHOST", "db.internal"), ON_DB_INTERNAL)
                        .allowed())
                .isTrue();
        assertThat(decide("dropdb orders", Map.of("PGHOST", "db.internal", "PGPORT", "6432"), ON_DB_INTERNAL)
                        .allowed())
                .isFalse();
        // frameworks read DATABASE_URL, never PGHOST
        assertThat(decide(
                                "drizzle-kit push --force",
                                Map.of("DATABASE_URL", "postgresql://u:p@db.internal:5432/orders"),
                                ON_DB_INTERNAL)
                        .allowed())
                .isTrue();
        // psql does not read DATABASE_URL: the database it drops is PGDATABASE's on PGHOST's server
        assertThat(decide(
                                "psql -c 'DROP TABLE x'",
                                Map.of("DATABASE_URL", "postgresql://u@db.internal:5432/orders"),
                                ON_DB_INTERNAL)
                        .allowed())
                .isFalse();
    }

    @Test
    void aDatabaseOnThisMachine_isThisMachine_onlyWhenTheCommandRunsHere() {
        HookDecision.Addresses local = served("postgresql://app@localhost:5432/orders");

        assertThat(decide("dropdb orders", Map.of(), local).allowed()).isTrue();
        assertThat(decide("dropdb -h 127.0.0.1 orders", Map.of(), local).allowed())
                .isTrue();
        assertThat(decide("dropdb -h /var/run/postgresql orders", Map.of(), local)
                        .allowed())
                .isTrue();
        // on another machine, localhost is that machine
        assertThat(decide("ssh prod dropdb -h localhost -p 5432 orders", Map.of(), local)
                        .allowed())
                .isFalse();
        assertThat(decide("docker exec db dropdb -h localhost -p 5432 orders", Map.of(), local)
                        .allowed())
                .isFalse();
        // sudo resets the environment: PGHOST here says nothing of where it connects
        assertThat(decide("sudo -u postgres dropdb orders", Map.of(), local).allowed())
                .isFalse();
    }

    @Test
    void mysqlsOptionFile_couldNameAnotherHost_soItBlocks() throws Exception {
        HookDecision.Addresses mysql = served("mysql://app@localhost:3306/orders");
        assertThat(decide("mysqladmin -f drop orders", Map.of(), mysql).allowed())
                .isTrue();

        Files.writeString(home.resolve(".my.cnf"), "[client]\nhost = db.other\n");

        assertThat(decide("mysqladmin -f drop orders", Map.of(), mysql).allowed())
                .isFalse();
        assertThat(decide("mysqladmin -h localhost -f drop orders", Map.of(), mysql)
                        .allowed())
                .isTrue();
    }

    @Test
    void aConfiguredDatabaseWithNoAddress_matchesNothing_andSaysHowToGiveOne() {
        HookDecision.Result r = decide("dropdb -h db.internal orders", Map.of(), HookDecision.Addresses.NONE);

        assertThat(r.allowed()).isFalse();
        assertThat(r.blocked())
                .singleElement()
                .asString()
                .contains("orders (no address: no dump.secretArn, no --source orders=URL)")
                .contains("same name on another server");
    }

    @Test
    void aPasswordInTheUrl_isNeverRepeated() {
        HookDecision.Result r =
                decide("psql postgresql://app:hunter2@db.other/orders -c 'DROP TABLE x'", Map.of(), ON_DB_INTERNAL);

        assertThat(r.allowed()).isFalse();
        assertThat(String.join("\n", r.blocked())).doesNotContain("hunter2");
    }
}
