package dev.lifeboat.cli;

import dev.lifeboat.adapters.secrets.LocalCredentials;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.guard.CommandHook;
import dev.lifeboat.core.guard.DatabaseAddress;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import dev.lifeboat.core.model.Tls;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The database a destructive command reaches, as a target to dump before it runs: its URL (from the command or
 * {@code DATABASE_URL}, as Railway, Neon, Supabase and a laptop give it: the password and {@code sslmode} in it are
 * taken, since an environment variable is not a command line), else the {@code PG*} variables. Throws, saying what is
 * missing, when the database cannot be named.
 */
final class BackupTarget {
    private BackupTarget() {}

    static DatabaseTarget of(CommandHook.Danger danger, Map<String, String> env, Path home) {
        String id = danger.identifier();
        DatabaseTarget t;
        if (id != null && id.contains("://")) {
            t = fromUrl(id, env);
        } else {
            DatabaseAddress a = danger.address();
            if (a == null && (env.get("PGHOST") != null || env.get("PGDATABASE") != null)) {
                a = DatabaseAddress.of(
                        DatabaseEngine.POSTGRESQL, env.get("PGHOST"), env.get("PGPORT"), env.get("PGDATABASE"));
            }
            if (a == null || a.database() == null) {
                throw new InvalidInputException("the guard cannot tell which database `" + danger.what()
                        + "` destroys (no URL in the command, no DATABASE_URL, no PGHOST/PGDATABASE)");
            }
            t = new DatabaseTarget(a.engine(), a.host(), a.port(), a.database(), user(a.engine(), null, env), null);
        }
        return new LocalCredentials(env, home).complete(t);
    }

    private static DatabaseTarget fromUrl(String url, Map<String, String> env) {
        DatabaseAddress a = DatabaseAddress.ofUrl(url)
                .orElseThrow(() -> new InvalidInputException("the database URL is not one Lifeboat can dump"
                        + " (postgres://, postgresql://, mysql:// or mariadb:// with one host)"));
        if (a.database() == null) {
            throw new InvalidInputException("the database URL names no database (…/DB)");
        }
        String rest = url.substring(url.indexOf("://") + 3);
        int end = indexOfAny(rest, "/?#");
        String authority = end < 0 ? rest : rest.substring(0, end);
        int at = authority.lastIndexOf('@');
        String user = null;
        Secret password = null;
        if (at >= 0) {
            String info = authority.substring(0, at);
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            if (colon >= 0) {
                password = Secret.of(decode(info.substring(colon + 1)));
            }
        }
        DatabaseTarget t =
                new DatabaseTarget(a.engine(), a.host(), a.port(), a.database(), user(a.engine(), user, env), password);
        int q = url.indexOf('?');
        if (q >= 0) {
            for (String pair : url.substring(q + 1).split("&", -1)) {
                if (pair.toLowerCase(Locale.ROOT).startsWith("sslmode=")) {
                    t = t.withTls(
                            new Tls(Tls.Mode.parse("the database URL's sslmode", decode(pair.substring(8))), null));
                }
            }
        }
        return t;
    }

    private static String user(DatabaseEngine engine, String given, Map<String, String> env) {
        if (given != null && !given.isEmpty()) {
            return given;
        }
        String u = engine == DatabaseEngine.POSTGRESQL ? env.get("PGUSER") : env.get("MYSQL_USER");
        u = u != null ? u : env.get("USER");
        if (u == null || u.isEmpty()) {
            throw new InvalidInputException("no user to log in as (none in the URL, no PGUSER or USER)");
        }
        return u;
    }

    /** A vault id for a database name: the characters a backup's key allows, at most 63. */
    static String databaseId(String name) {
        String id = name.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        id = id.replace("..", "-");
        id = id.isEmpty() ? "db" : id;
        return id.length() > 63 ? id.substring(0, 63) : id;
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
