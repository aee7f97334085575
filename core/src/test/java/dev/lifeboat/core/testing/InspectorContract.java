package dev.lifeboat.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.TableRowCount;
import dev.lifeboat.core.port.DatabaseInspector;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The {@link DatabaseInspector} port's contract, one suite for every implementation: the fake the use cases' tests
 * run on (FakeInspectorContractTest) and JDBC against real PostgreSQL and MariaDB servers (JdbcInspectorContractIT).
 * Where the fake and the adapter disagree, the suite finds it: it found that the fake created a database that
 * already existed, and answered every query with 1.
 *
 * <p>Not asked here, by design of the fake: the row counts of a database a restore created. The fake answers them
 * with the source's tables (it stands for a load that put them there); the real server answers what the load left.
 */
public abstract class InspectorContract {
    /** The implementation under test. */
    protected abstract DatabaseInspector inspector();

    /** A target on the server under test naming {@code database}, which may not exist. */
    protected abstract DatabaseTarget target(String database);

    /** Makes a table {@code name} holding {@code rows} rows in {@code db}, as any client would. */
    protected abstract void givenTable(DatabaseTarget db, String name, int rows);

    /** A database name nobody has used: lower case, so every engine keeps it as given. */
    protected static String freshName() {
        return "contract_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    @Test
    void aDatabaseNobodyMade_doesNotExist() {
        assertThat(inspector().databaseExists(target(freshName()))).isFalse();
    }

    @Test
    void aCreatedDatabase_existsEmpty_withoutANote() {
        DatabaseTarget t = target(freshName());
        inspector().createDatabase(t);

        assertThat(inspector().databaseExists(t)).isTrue();
        assertThat(inspector().userObjectCount(t)).isZero();
        assertThat(inspector().restoreNote(t)).isEmpty();
        assertThat(inspector().serverInfo(t).engine()).isEqualTo(t.engine());
    }

    @Test
    void creatingADatabaseThatExists_fails_andLeavesItAsItWas() {
        DatabaseTarget t = target(freshName());
        inspector().createDatabase(t, "INCOMPLETE: a restore of orders");
        givenTable(t, "kept", 2);

        assertThatThrownBy(() -> inspector().createDatabase(t)).isInstanceOf(LifeboatException.class);
        assertThatThrownBy(() -> inspector().createDatabase(t, "INCOMPLETE: another"))
                .isInstanceOf(LifeboatException.class);

        assertThat(inspector().databaseExists(t)).isTrue();
        assertThat(inspector().restoreNote(t)).contains("INCOMPLETE: a restore of orders");
        assertThat(inspector().userObjectCount(t)).isEqualTo(1);
    }

    @Test
    void aDatabaseCreatedWithANote_carriesIt_andANewNoteReplacesIt() {
        DatabaseTarget t = target(freshName());
        inspector().createDatabase(t, "INCOMPLETE: it's a restore of orders");

        assertThat(inspector().restoreNote(t)).contains("INCOMPLETE: it's a restore of orders");

        inspector().noteRestore(t, "restored orders 20261207T030000Z-0a1b");
        assertThat(inspector().restoreNote(t)).contains("restored orders 20261207T030000Z-0a1b");
    }

    @Test
    void droppingACreatedDatabase_removesIt() {
        DatabaseTarget t = target(freshName());
        inspector().createDatabase(t, "INCOMPLETE");
        givenTable(t, "t", 1);

        inspector().dropCreatedDatabase(t);

        assertThat(inspector().databaseExists(t)).isFalse();
        assertThat(inspector().restoreNote(t)).isEmpty();
    }

    @Test
    void tablesGiven_areCountedExactlyUpToTheThreshold_andObjectsCounted() {
        DatabaseTarget t = target(freshName());
        inspector().createDatabase(t);
        givenTable(t, "a", 3);
        givenTable(t, "b", 0);

        assertThat(inspector().rowCounts(t, Long.MAX_VALUE))
                .extracting(TableRowCount::table, TableRowCount::rows, TableRowCount::exact)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", 3L, true),
                        org.assertj.core.groups.Tuple.tuple("b", 0L, true));
        assertThat(inspector().userObjectCount(t)).isEqualTo(2);
    }

    @Test
    void aScalarQuery_answersItsFirstColumnOfTheFirstRow() {
        DatabaseTarget t = target(freshName());
        inspector().createDatabase(t);

        assertThat(inspector().scalar(t, "SELECT 2")).isEqualTo(2.0);
        assertThat(inspector().scalar(t, "SELECT 0")).isEqualTo(0.0);
    }
}
