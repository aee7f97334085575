package dev.lifeboat.core.testing;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.model.TableRowCount;
import dev.lifeboat.core.port.DatabaseInspector;

/** The fake the use cases' tests run on keeps the inspector's contract, as the real adapter does. */
class FakeInspectorContractTest extends InspectorContract {
    private final FakeInspector fake = new FakeInspector();

    @Override
    protected DatabaseInspector inspector() {
        return fake;
    }

    @Override
    protected DatabaseTarget target(String database) {
        return new DatabaseTarget(DatabaseEngine.POSTGRESQL, "db", 5432, database, "u", Secret.of("p"));
    }

    @Override
    protected void givenTable(DatabaseTarget db, String name, int rows) {
        fake.givenTable(db.database(), new TableRowCount("public", name, rows, true));
    }
}
