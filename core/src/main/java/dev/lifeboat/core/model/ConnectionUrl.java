package dev.lifeboat.core.model;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Parses {@code postgresql://USER@HOST:PORT/DB}, {@code mariadb://...} and {@code mysql://...}.
 * A password in the URL is refused: command lines end up in shell history and process lists.
 */
public final class ConnectionUrl {
    private ConnectionUrl() {}

    /**
     * Parses {@code text} as a database URL.
     *
     * @param argument the option's name, for messages ("--source")
     * @throws IllegalArgumentException naming the argument and the expected form
     */
    public static DatabaseTarget parse(String argument, String url) {
        String form = argument + " must look like postgresql://USER@HOST:PORT/DB (or mariadb://, mysql://)";
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalArgumentException(form + "; got '" + url + "'");
        }
        DatabaseEngine engine;
        try {
            engine = DatabaseEngine.parse(uri.getScheme());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(form + "; unknown scheme '" + uri.getScheme() + "'");
        }
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = hostPort.lastIndexOf(':');
        if (colon >= 0
                && !hostPort.endsWith("]")
                && !hostPort.substring(colon + 1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException(
                    form + "; the PORT '" + hostPort.substring(colon + 1) + "' is not a number");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(argument + ": URL parameters ('?" + uri.getRawQuery()
                    + "') are not passed on to the database tools, so they would be silently ignored; leave them out"
                    + " (TLS settings are not configurable yet)");
        }
        String userInfo = uri.getUserInfo();
        if (userInfo != null && userInfo.contains(":")) {
            throw new IllegalArgumentException(argument + " contains a password; leave it out of the URL and set "
                    + (engine == DatabaseEngine.POSTGRESQL
                            ? "PGPASSWORD or a ~/.pgpass entry"
                            : "MYSQL_PWD or ~/.my.cnf")
                    + ", or use --secret-id");
        }
        if (userInfo == null || userInfo.isEmpty()) {
            throw new IllegalArgumentException(form + "; the USER is missing");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(form + "; the HOST is missing");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (path.isEmpty() || path.contains("/")) {
            throw new IllegalArgumentException(form + "; the database name (DB) is missing");
        }
        int port = uri.getPort() == -1 ? engine.defaultPort() : uri.getPort();
        return new DatabaseTarget(engine, uri.getHost(), port, path, userInfo, Secret.none());
    }
}
