package dev.lifeboat.cli;

import dev.lifeboat.core.error.BackupNotFoundException;
import dev.lifeboat.core.error.ChecksumMismatchException;
import dev.lifeboat.core.error.ClientTooOldException;
import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LifeboatException;
import dev.lifeboat.core.error.RefusedException;

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

    static int of(Throwable t) {
        if (t instanceof ChecksumMismatchException) {
            return CORRUPT;
        }
        if (t instanceof RefusedException || t instanceof ClientTooOldException) {
            return REFUSED;
        }
        if (t instanceof InvalidInputException
                || t instanceof BackupNotFoundException
                || t instanceof IllegalArgumentException) {
            return BAD_INPUT;
        }
        if (t instanceof LifeboatException) {
            return FAILED;
        }
        return INTERNAL;
    }
}
