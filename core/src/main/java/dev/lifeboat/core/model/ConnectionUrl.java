package dev.lifeboat.core.model;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.protocol.Param;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Parses {@code postgresql://USER@HOST:PORT/DB}, {@code mariadb://...} and {@code mysql://...}.
 * A password in the URL is refused: command lines end up in shell history and process lists.
 */
public final class ConnectionUrl {
    private ConnectionUrl() {}

    /**
     * Parses {@code text} as a database URL.
     *
     * @param argument the option's name, for messages (the command line's flag, e.g. --source)
     * @throws InvalidInputException naming the argument and the expected form
     */
    public static DatabaseTarget parse(String argument, String url) {
        String form = argument + " must look like postgresql://USER@HOST:PORT/DB (or mariadb://, mysql://)";
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new InvalidInputException(form + "; got '" + url + "'");
        }
        DatabaseEngine engine;
        try {
            engine = DatabaseEngine.parse(uri.getScheme());
        } catch (IllegalArgumentException | InvalidInputException e) {
            throw new InvalidInputException(form + "; unknown scheme '" + uri.getScheme() + "'");
        }
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0
                && !hostPort.endsWith("]")
                && !hostPort.substring(colon + 1).matches("\\d{1,5}")) {
            throw new InvalidInputException(
                    form + "; the PORT '" + hostPort.substring(colon + 1) + "' is not a number");
        }
        if (uri.getRawFragment() != null) {
            throw new InvalidInputException(
                    argument + ": '#" + uri.getRawFragment() + "' has no meaning in a" + " database URL; leave it out");
        }
        Tls tls = tls(argument, uri.getRawQuery());
        String userInfo = uri.getUserInfo();
        if (userInfo != null && userInfo.contains(":")) {
            throw new InvalidInputException(argument + " contains a password; leave it out of the URL and set "
                    + (engine == DatabaseEngine.POSTGRESQL
                            ? "PGPASSWORD or a ~/.pgpass entry"
                            : "MYSQL_PWD or ~/.my.cnf")
                    + ", or use " + Param.SECRET_ID);
        }
        if (userInfo == null || userInfo.isEmpty()) {
            throw new InvalidInputException(form + "; the USER is missing");
        }
        if (uri.getHost() == null) {
            throw new InvalidInputException(form + "; the HOST is missing");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (path.isEmpty() || path.contains("/")) {
            throw new InvalidInputException(form + "; the database name (DB) is missing");
        }
        int port = uri.getPort() == -1 ? engine.defaultPort() : uri.getPort();
        DatabaseTarget target = new DatabaseTarget(engine, uri.getHost(), port, path, userInfo, Secret.none());
        return tls == null ? target : target.withTls(tls);
    }

    /**
     * The URL's parameters: {@code sslmode} and {@code sslrootcert} (a PEM file of CAs), for both engines, are
     * the only ones; any other would be silently ignored by some tool, so it is refused. Null: none given.
     */
    private static Tls tls(String argument, String query) {
        if (query == null) {
            return null;
        }
        String mode = null;
        String ca = null;
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if ((key.equals("sslmode") && mode != null) || (key.equals("sslrootcert") && ca != null)) {
                // Tools disagree on which of two wins; require=…&sslmode=disable would quietly turn TLS off.
                throw new InvalidInputException(argument + ": the URL parameter '" + key + "' is given twice ('"
                        + (key.equals("sslmode") ? mode : ca) + "' and '" + value + "'); give it once");
            }
            switch (key) {
                case "sslmode" -> mode = value;
                case "sslrootcert" -> ca = value;
                default ->
                    throw new InvalidInputException(argument + ": the URL parameter '" + key + "' is not one Lifeboat"
                            + " passes on to the database tools, so it would be silently ignored; the parameters are"
                            + " sslmode (disable, prefer, require, verify-ca, verify-full) and sslrootcert=PEM-FILE");
            }
        }
        if (mode == null) {
            throw new InvalidInputException(
                    argument + ": sslrootcert needs sslmode=verify-ca or sslmode=verify-full" + " beside it");
        }
        Tls.Mode m = Tls.Mode.parse(argument + ": sslmode", mode);
        if (ca != null && !m.verifies()) {
            throw new InvalidInputException(
                    argument + ": sslrootcert is used only to verify the server; with" + " sslmode=" + m.wire()
                            + " it would be ignored. Use sslmode=verify-full, or leave sslrootcert out");
        }
        return new Tls(m, ca);
    }
}
