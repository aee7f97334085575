package dev.lifeboat.core.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A version as servers and client tools report it, parsed to numbers that can be compared. */
public record SoftwareVersion(int major, int minor, int patch, String reported) implements Comparable<SoftwareVersion> {

    private static final Pattern MARIADB_DISTRIB = Pattern.compile("Distrib (\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    private static final Pattern MARIADB_FROM = Pattern.compile("from (\\d+)\\.(\\d+)(?:\\.(\\d+))?");
    private static final Pattern FIRST_NUMBERS = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

    /**
     * Parses what a server or a tool prints: "15.18 (Debian ...)", "pg_dump (PostgreSQL) 16.2",
     * "10.11.19-MariaDB-0+deb12u1", "mariadb-dump Ver 10.19 Distrib 10.11.19-MariaDB, for ...",
     * "mariadb-dump from 11.4.2-MariaDB, client 10.19 ...", "mysqldump Ver 8.0.35 for Linux ...".
     * For MariaDB tools the server release they ship with counts, not the tool's own number.
     */
    public static SoftwareVersion parse(String reported) {
        if (reported == null) {
            throw new IllegalArgumentException("no version reported");
        }
        for (Pattern p : new Pattern[] {MARIADB_DISTRIB, MARIADB_FROM}) {
            Matcher m = p.matcher(reported);
            if (m.find()) {
                return of(m, reported.strip());
            }
        }
        String afterName = reported.replaceFirst("^\\s*[A-Za-z_-]+\\s+(\\(PostgreSQL\\)\\s+|Ver\\s+)?", "");
        Matcher m = FIRST_NUMBERS.matcher(afterName);
        if (!m.find()) {
            throw new IllegalArgumentException("cannot read a version number from '" + reported.strip() + "'");
        }
        return of(m, reported.strip());
    }

    /**
     * {@code reported} parsed, or empty when it holds no version number this reads (or one too large for a number):
     * a version comes from a tool, a server or a manifest in the vault, and each caller says what to do about it.
     */
    public static java.util.Optional<SoftwareVersion> tryParse(String reported) {
        try {
            return java.util.Optional.of(parse(reported));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    private static SoftwareVersion of(Matcher m, String reported) {
        return new SoftwareVersion(
                Integer.parseInt(m.group(1)),
                m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)),
                reported);
    }

    @Override
    public int compareTo(SoftwareVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c == 0 ? Integer.compare(patch, o.patch) : c;
    }

    public String shortForm() {
        return major + "." + minor + "." + patch;
    }
}
