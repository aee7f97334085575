package dev.lifeboat.core.dump;

import dev.lifeboat.core.error.ClientTooOldException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.ServerInfo;
import dev.lifeboat.core.model.SoftwareVersion;

/**
 * Which client tool may dump which server. An old client against a new server is the classic way a
 * backup tool fails at the worst time, so Lifeboat checks before it starts.
 *
 * <ul>
 *   <li>PostgreSQL: pg_dump refuses servers of a newer major version ("pg_dump cannot dump from
 *       PostgreSQL servers newer than its own major version", PostgreSQL docs, pg_dump), and
 *       pg_restore cannot read archives written by a newer pg_dump. The client's major version must
 *       be at least the server's.
 *   <li>MariaDB: a mariadb-dump older than the server (major.minor) may miss syntax the server
 *       produces (SHOW CREATE output of newer features), so the client must be at least as new.
 *   <li>MySQL: MySQL and MariaDB version lines differ; a mysqldump is checked like MariaDB, a
 *       mariadb-dump against MySQL is allowed (the MariaDB client supports MySQL servers).
 * </ul>
 */
public final class ClientVersionPolicy {
    private ClientVersionPolicy() {}

    public static void check(ServerInfo server, String toolName, SoftwareVersion client) {
        SoftwareVersion s = server.version();
        boolean tooOld = switch (server.engine()) {
            case POSTGRESQL -> client.major() < s.major();
            case MARIADB -> compareMajorMinor(client, s) < 0;
            case MYSQL -> !toolName.startsWith("mariadb") && compareMajorMinor(client, s) < 0;
        };
        if (tooOld) {
            throw new ClientTooOldException(
                    toolName + " " + client.shortForm() + " is older than the " + label(server.engine()) + " server "
                            + s.shortForm() + " it would dump",
                    "install " + toolName + " " + s.major()
                            + (server.engine() == DatabaseEngine.POSTGRESQL ? "" : "." + s.minor())
                            + " or newer and put it first on PATH, or name its folder in "
                            + (server.engine() == DatabaseEngine.POSTGRESQL
                                    ? "LIFEBOAT_PG_BIN"
                                    : "LIFEBOAT_MARIADB_BIN"));
        }
    }

    /** pg_restore must be at least as new as the pg_dump that wrote the archive. */
    public static void checkLoad(
            DatabaseEngine engine, String loadTool, SoftwareVersion loader, SoftwareVersion dumper) {
        if (engine == DatabaseEngine.POSTGRESQL && loader.major() < dumper.major()) {
            throw new ClientTooOldException(
                    loadTool + " " + loader.shortForm() + " cannot read an archive written by pg_dump "
                            + dumper.shortForm(),
                    "install PostgreSQL client tools " + dumper.major() + " or newer");
        }
    }

    private static int compareMajorMinor(SoftwareVersion a, SoftwareVersion b) {
        int c = Integer.compare(a.major(), b.major());
        return c != 0 ? c : Integer.compare(a.minor(), b.minor());
    }

    private static String label(DatabaseEngine engine) {
        return switch (engine) {
            case POSTGRESQL -> "PostgreSQL";
            case MARIADB -> "MariaDB";
            case MYSQL -> "MySQL";
        };
    }
}
