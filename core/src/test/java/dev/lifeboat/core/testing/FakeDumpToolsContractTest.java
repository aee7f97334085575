package dev.lifeboat.core.testing;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.DumpTools;

/** The fake the use cases' tests run on keeps the dump tools' contract, as the real programs do. */
class FakeDumpToolsContractTest extends DumpToolsContract {
    private final FakeDumpTools tools = new FakeDumpTools();

    @Override
    protected DumpTools tools() {
        return tools;
    }

    @Override
    protected DatabaseEngine engine() {
        return DatabaseEngine.POSTGRESQL;
    }

    @Override
    protected DatabaseTarget source() {
        return new DatabaseTarget(DatabaseEngine.POSTGRESQL, "db", 5432, "orders", "u", Secret.of("p"));
    }

    @Override
    protected DatabaseTarget emptyDatabase() {
        return new DatabaseTarget(DatabaseEngine.POSTGRESQL, "db", 5432, "orders_restored", "u", Secret.of("p"));
    }

    @Override
    protected DatabaseTarget unreachable(String password) {
        return new DatabaseTarget(DatabaseEngine.POSTGRESQL, "127.0.0.1", 1, "orders", "u", Secret.of(password));
    }

    @Override
    protected void loadsOfNonsenseFail() {
        tools.loadFailure = "pg_restore: error: input file does not appear to be a valid archive";
    }

    @Override
    protected void dumpsOfUnreachableServersFail() {
        tools.dumpFailure = "pg_dump: error: connection to server at \"127.0.0.1\", port 1 failed: Connection refused";
    }
}
