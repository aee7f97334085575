package dev.lifeboat.adapters.process;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.port.DumpTools;
import dev.lifeboat.core.testing.DumpToolsContract;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real client programs keep the dump tools' contract, as the fake the use cases' tests run on does. */
@ExtendWith(RealParts.class)
class ProcessDumpToolsContractIT {
    /** A port nothing listens on: the programs' own connection refusal. */
    private static final int CLOSED_PORT = 1;

    @Nested
    class Postgres extends DumpToolsContract {
        private PostgresServer pg;
        private final List<String> made = new ArrayList<>();
        private DatabaseTarget source;

        @BeforeEach
        void server(PostgresServer server) {
            this.pg = server;
            source = made(pg.newDatabase("dtc_src"));
            pg.execute(
                    source.database(),
                    "CREATE TABLE orders (id int PRIMARY KEY, note text);"
                            + " INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 100) g");
        }

        @AfterEach
        void dropWhatWasMade() {
            made.forEach(d -> pg.execute("postgres", "DROP DATABASE IF EXISTS \"" + d + "\" WITH (FORCE)"));
        }

        private DatabaseTarget made(DatabaseTarget t) {
            made.add(t.database());
            return t;
        }

        @Override
        protected DumpTools tools() {
            return ProcessDumpTools.fromEnvironment();
        }

        @Override
        protected DatabaseEngine engine() {
            return DatabaseEngine.POSTGRESQL;
        }

        @Override
        protected DatabaseTarget source() {
            return source;
        }

        @Override
        protected DatabaseTarget emptyDatabase() {
            return made(pg.newDatabase("dtc_dst"));
        }

        @Override
        protected DatabaseTarget unreachable(String password) {
            return new DatabaseTarget(
                    DatabaseEngine.POSTGRESQL, "127.0.0.1", CLOSED_PORT, "orders", pg.user(), Secret.of(password));
        }

        @Override
        protected void loadsOfNonsenseFail() {
            // pg_restore refuses what is no archive on its own
        }

        @Override
        protected void dumpsOfUnreachableServersFail() {
            // pg_dump cannot connect on its own
        }
    }

    @Nested
    class MariaDb extends DumpToolsContract {
        private MariaDbServer db;
        private final List<String> made = new ArrayList<>();
        private DatabaseTarget source;

        @BeforeEach
        void server(MariaDbServer server) {
            this.db = server;
            source = made(db.newDatabase("dtc_src"));
            db.execute(
                    source.database(),
                    "CREATE TABLE orders (id int PRIMARY KEY, note text);"
                            + " INSERT INTO orders SELECT seq, CONCAT('n', seq) FROM seq_1_to_100");
        }

        @AfterEach
        void dropWhatWasMade() {
            made.forEach(d -> db.execute("", "DROP DATABASE IF EXISTS `" + d + "`"));
        }

        private DatabaseTarget made(DatabaseTarget t) {
            made.add(t.database());
            return t;
        }

        @Override
        protected DumpTools tools() {
            return ProcessDumpTools.fromEnvironment();
        }

        @Override
        protected DatabaseEngine engine() {
            return DatabaseEngine.MARIADB;
        }

        @Override
        protected DatabaseTarget source() {
            return source;
        }

        @Override
        protected DatabaseTarget emptyDatabase() {
            return made(db.newDatabase("dtc_dst"));
        }

        @Override
        protected DatabaseTarget unreachable(String password) {
            return new DatabaseTarget(
                    DatabaseEngine.MARIADB, "127.0.0.1", CLOSED_PORT, "orders", db.user(), Secret.of(password));
        }

        @Override
        protected void loadsOfNonsenseFail() {
            // the mariadb client refuses what is no SQL on its own
        }

        @Override
        protected void dumpsOfUnreachableServersFail() {
            // mariadb-dump cannot connect on its own
        }
    }
}
