package dev.lifeboat.adapters.jdbc;

import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.port.DatabaseInspector;
import dev.lifeboat.core.testing.InspectorContract;
import dev.lifeboat.testing.MariaDbServer;
import dev.lifeboat.testing.PostgresServer;
import dev.lifeboat.testing.RealParts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/** JDBC against real servers keeps the inspector's contract, as the fake the use cases' tests run on does. */
@ExtendWith(RealParts.class)
class JdbcInspectorContractIT {
    @Nested
    class Postgres extends InspectorContract {
        private PostgresServer pg;
        private final List<String> made = new ArrayList<>();

        @BeforeEach
        void server(PostgresServer server) {
            this.pg = server;
        }

        @AfterEach
        void dropWhatWasMade() {
            made.forEach(d -> pg.execute("postgres", "DROP DATABASE IF EXISTS \"" + d + "\""));
        }

        @Override
        protected DatabaseInspector inspector() {
            return new JdbcInspector();
        }

        @Override
        protected DatabaseTarget target(String database) {
            made.add(database);
            return pg.target(database);
        }

        @Override
        protected void givenTable(DatabaseTarget db, String name, int rows) {
            pg.execute(
                    db.database(),
                    "CREATE TABLE \"" + name + "\" (id int); INSERT INTO \"" + name + "\" SELECT generate_series(1, "
                            + rows + ")");
        }
    }

    @Nested
    class MariaDb extends InspectorContract {
        private MariaDbServer db;
        private final List<String> made = new ArrayList<>();

        @BeforeEach
        void server(MariaDbServer server) {
            this.db = server;
        }

        @AfterEach
        void dropWhatWasMade() {
            made.forEach(d -> db.execute("", "DROP DATABASE IF EXISTS `" + d + "`"));
        }

        @Override
        protected DatabaseInspector inspector() {
            return new JdbcInspector();
        }

        @Override
        protected DatabaseTarget target(String database) {
            made.add(database);
            return db.target(database);
        }

        @Override
        protected void givenTable(DatabaseTarget t, String name, int rows) {
            StringBuilder sql = new StringBuilder("CREATE TABLE `" + name + "` (id int)");
            if (rows > 0) {
                sql.append("; INSERT INTO `")
                        .append(name)
                        .append("` SELECT seq FROM seq_1_to_")
                        .append(rows);
            }
            db.execute(t.database(), sql.toString());
        }
    }
}
