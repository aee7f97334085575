package dev.lifeboat.core.guard;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseEngine;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which server and database a command reaches: the engine's family, the host, the port and the database's name. Two
 * databases of the same name on different servers are different databases, so the guard matches a command's target
 * to a database of lifeboat.yml by all of these, never by the name alone. The loopback names ({@code localhost},
 * {@code 127.0.0.1}, {@code ::1}) and a local socket (no host, or a socket directory) are one host: this machine.
 *
 * <p>{@code host} is never null (a local socket is {@code localhost}); {@code database} is null when the command
 * does not say.
 */
public record DatabaseAddress(DatabaseEngine engine, String host, int port, String database) {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]", "");

    public DatabaseAddress {
        host = normalize(host);
    }

    /** The address of {@code engine} with a host and port as a client takes them: null or empty mean its default. */
    public static DatabaseAddress of(DatabaseEngine engine, String host, String port, String database) {
        int p = engine.defaultPort();
        if (port != null && !port.isBlank()) {
            if (!port.strip().matches("\\d{1,5}")) {
                throw new IllegalArgumentException("the port '" + port + "' is not a number");
            }
            p = Integer.parseInt(port.strip());
        }
        return new DatabaseAddress(engine, host, p, database == null || database.isBlank() ? null : database);
    }

    /**
     * Reads a database URL as the tools do ({@code postgres://}, {@code postgresql://}, {@code mysql://}, {@code
     * mariadb://}), a password and any parameters allowed (they are not looked at, except libpq's {@code host} and
     * {@code port}, which win over the authority). Empty when it is not such a URL: the caller treats the target as
     * unknown.
     */
    public static Optional<DatabaseAddress> ofUrl(String url) {
        if (url == null) {
            return Optional.empty();
        }
        int scheme = url.indexOf("://");
        if (scheme <= 0) {
            return Optional.empty();
        }
        DatabaseEngine engine;
        try {
            engine = DatabaseEngine.parse(url.substring(0, scheme));
        } catch (IllegalArgumentException | InvalidInputException e) {
            return Optional.empty();
        }
        String rest = url.substring(scheme + 3);
        int hash = rest.indexOf('#');
        rest = hash < 0 ? rest : rest.substring(0, hash);
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        if (hostPort.contains(",")) {
            return Optional.empty(); // several hosts: which one the tool reaches is not known here
        }
        String host = hostPort;
        String port = null;
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0 && !hostPort.endsWith("]")) {
            host = hostPort.substring(0, colon);
            port = hostPort.substring(colon + 1);
        }
        if (query != null) {
            for (String pair : query.split("&", -1)) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (key) {
                    case "host" -> host = value;
                    case "port" -> port = value;
                    case "service" -> {
                        return Optional.empty(); // pg_service.conf says where: not read here
                    }
                    default -> {
                        // sslmode and the like: not where the database is
                    }
                }
            }
        }
        if (host.contains(",") || (port != null && port.contains(","))) {
            return Optional.empty();
        }
        try {
            return Optional.of(of(engine, decode(host), port, path.isEmpty() ? null : decode(path)));
        } catch (IllegalArgumentException | InvalidInputException e) {
            return Optional.empty();
        }
    }

    /** Whether both reach the same server: the same engine family, host and port (the database aside). */
    public boolean sameServer(DatabaseAddress other) {
        return other != null
                && engine.isMysqlFamily() == other.engine.isMysqlFamily()
                && host.equals(other.host)
                && port == other.port;
    }

    /** Whether this is this machine (a loopback name or a local socket). */
    public boolean local() {
        return host.equals("localhost");
    }

    /** HOST:PORT/DATABASE, for messages. */
    public String describe() {
        return engine.urlScheme() + "://" + host + ":" + port + (database == null ? "" : "/" + database);
    }

    private static String normalize(String host) {
        String h = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return LOOPBACK.contains(h) || h.startsWith("/") ? "localhost" : h;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
