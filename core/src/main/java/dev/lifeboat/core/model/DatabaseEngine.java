package dev.lifeboat.core.model;

import dev.lifeboat.core.error.InvalidInputException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The database engines Lifeboat dumps and restores, with the spellings RDS and URLs use for them. */
public enum DatabaseEngine {
    POSTGRESQL(5432, List.of("postgresql", "postgres", "aurora-postgresql")),
    MARIADB(3306, List.of("mariadb")),
    MYSQL(3306, List.of("mysql", "aurora-mysql", "aurora"));

    private final int defaultPort;

    @SuppressWarnings("ImmutableEnumChecker") // List.of(...): unmodifiable
    private final List<String> names;

    DatabaseEngine(int defaultPort, List<String> names) {
        this.defaultPort = defaultPort;
        this.names = names;
    }

    public int defaultPort() {
        return defaultPort;
    }

    /** True for the engines dumped with mariadb-dump / mysqldump and restored with the mariadb client. */
    public boolean isMysqlFamily() {
        return this != POSTGRESQL;
    }

    /**
     * Parses a URL scheme or an RDS {@code engine} value ("postgres", "aurora-mysql", ...).
     *
     * @throws InvalidInputException naming the accepted values
     */
    public static DatabaseEngine parse(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(e -> e.names.contains(wanted))
                .findFirst()
                .orElseThrow(() ->
                        new InvalidInputException("unknown engine '" + name + "'; use one of " + acceptedNames()));
    }

    public static List<String> acceptedNames() {
        return Arrays.stream(values()).flatMap(e -> e.names.stream()).toList();
    }

    public String urlScheme() {
        return names.getFirst();
    }
}
