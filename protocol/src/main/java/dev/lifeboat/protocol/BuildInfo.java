package dev.lifeboat.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Which Lifeboat this is: its version, the commit it was built from and that commit's time (the build date: a
 * build is reproducible, so it carries no clock of its own). Maven fills these in when the jar is built
 * (build-info.properties); a build from sources without git history says {@code unknown}.
 *
 * <p>The command line prints it for {@code --version}; the functions and the Fargate tasks log it at start.
 */
public record BuildInfo(String version, String commit, boolean dirty, String date) {
    public static final String UNKNOWN = "unknown";

    private static final BuildInfo CURRENT = load();

    /** This Lifeboat's. */
    public static BuildInfo current() {
        return CURRENT;
    }

    /** One line: {@code lifeboat 0.1.0 (commit 0123abc…, built 2025-01-02T03:04:05Z)}. */
    public String describe() {
        return "lifeboat " + version + " (commit " + commit + (dirty ? " with uncommitted changes" : "") + ", built "
                + date + ")";
    }

    static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build-info.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return of(p);
    }

    /** From the properties Maven filled in; a value it could not fill ({@code ${...}}, or none) is unknown. */
    static BuildInfo of(Properties p) {
        return new BuildInfo(
                value(p, "version"), value(p, "commit"), "true".equals(p.getProperty("dirty")), value(p, "date"));
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "").strip();
        return v.isEmpty() || v.contains("${") ? UNKNOWN : v;
    }
}
