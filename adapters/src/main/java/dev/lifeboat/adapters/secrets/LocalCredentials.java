package dev.lifeboat.adapters.secrets;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Passwords for a laptop, the way the engines' own clients find them:
 * PostgreSQL's {@code PGPASSWORD}, then {@code PGPASSFILE} or {@code ~/.pgpass}
 * (host:port:database:user:password, '*' matches anything); MySQL/MariaDB's {@code MYSQL_PWD}, then
 * the {@code [client]} section of {@code ~/.my.cnf}.
 */
public final class LocalCredentials {
    private final Map<String, String> env;
    private final Path home;

    public LocalCredentials(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    public static LocalCredentials fromEnvironment() {
        return new LocalCredentials(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The target with its password filled in, if one is found; unchanged otherwise. */
    public DatabaseTarget complete(DatabaseTarget target) {
        if (!target.password().isEmpty()) {
            return target;
        }
        Optional<String> found = target.engine() == DatabaseEngine.POSTGRESQL ? postgres(target) : mysql();
        return found.map(p -> target.withPassword(Secret.of(p))).orElse(target);
    }

    private Optional<String> postgres(DatabaseTarget t) {
        String direct = env.get("PGPASSWORD");
        if (direct != null && !direct.isEmpty()) {
            return Optional.of(direct);
        }
        Path file = env.containsKey("PGPASSFILE") ? Path.of(env.get("PGPASSFILE")) : home.resolve(".pgpass");
        for (String line : readLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> f = splitPgpass(line);
            if (f.size() == 5
                    && matches(f.get(0), t.host())
                    && matches(f.get(1), String.valueOf(t.port()))
                    && matches(f.get(2), t.database())
                    && matches(f.get(3), t.user())) {
                return Optional.of(f.get(4));
            }
        }
        return Optional.empty();
    }

    private static boolean matches(String pattern, String value) {
        return pattern.equals("*") || pattern.equals(value);
    }

    /** Splits on ':' honouring the backslash escapes of '\:' and '\\'. */
    static List<String> splitPgpass(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(++i));
            } else if (c == ':' && fields.size() < 4) {
                fields.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        fields.add(cur.toString());
        return fields;
    }

    private Optional<String> mysql() {
        String direct = env.get("MYSQL_PWD");
        if (direct != null && !direct.isEmpty()) {
            return Optional.of(direct);
        }
        boolean inClient = false;
        for (String raw : readLines(home.resolve(".my.cnf"))) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                inClient = line.equals("[client]") || line.equals("[mysqldump]") || line.equals("[mariadb-dump]");
            } else if (inClient
                    && line.indexOf('=') > 0
                    && line.substring(0, line.indexOf('=')).strip().equals("password")) {
                return Optional.of(
                        optionValue(line.substring(line.indexOf('=') + 1).strip()));
            }
        }
        return Optional.empty();
    }

    /**
     * An option file's value as the MySQL and MariaDB clients read it ("Using Option Files" in their
     * manuals): optionally in single or double quotes; an unquoted value ends at a {@code #} comment; the
     * escapes \\b \\t \\n \\r \\\\ \\s stand for backspace, tab, newline, return, backslash and
     * space, and a backslash before any other character stays as it is.
     */
    static String optionValue(String v) {
        String body;
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'') && v.charAt(v.length() - 1) == v.charAt(0)) {
            body = v.substring(1, v.length() - 1);
        } else {
            int hash = v.indexOf('#');
            body = (hash >= 0 ? v.substring(0, hash) : v).strip();
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                char next = body.charAt(i + 1);
                String escaped = switch (next) {
                    case 'b' -> "\b";
                    case 't' -> "\t";
                    case 'n' -> "\n";
                    case 'r' -> "\r";
                    case '\\' -> "\\";
                    case 's' -> " ";
                    case '"', '\'' -> String.valueOf(next);
                    default -> null;
                };
                if (escaped != null) {
                    out.append(escaped);
                    i++;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.isReadable(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
