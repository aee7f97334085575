package dev.lifeboat.cli;

import dev.lifeboat.core.error.Outcome;

/** The exit codes of {@code lifeboat}, documented in docs/cli.md. */
public final class ExitCode {
    /** Done. */
    public static final int OK = 0;
    /** The operation ran and failed: database, dump or load tool, vault. */
    public static final int FAILED = 1;
    /** Bad input: usage, an argument, a secret's fields, a backup that does not exist. Nothing changed. */
    public static final int BAD_INPUT = 2;
    /** Refused to protect data: a non-empty target, an existing database with --create, a client too old. */
    public static final int REFUSED = 3;
    /** The backup failed its SHA-256 or size check. */
    public static final int CORRUPT = 4;
    /** A bug in Lifeboat: please report it with the log. */
    public static final int INTERNAL = 70;

    private ExitCode() {}

    /** By the failure's {@link Outcome}: anything but a {@code LifeboatException} is a bug (70), never bad input. */
    static int of(Throwable t) {
        return switch (Outcome.of(t)) {
            case BAD_INPUT -> BAD_INPUT;
            case REFUSED -> REFUSED;
            case CORRUPT -> CORRUPT;
            case FAILED -> FAILED;
            case INTERNAL -> INTERNAL;
        };
    }
}
