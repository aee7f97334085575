package dev.lifeboat.core.model;

import dev.lifeboat.core.error.InvalidInputException;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A place in a MySQL-family server's binary log: a file of the server's binlog series ({@code binlog.000042}) and a
 * byte offset in it. Files of one series order by their numeric suffix, then by offset.
 */
public record BinlogPosition(String file, long position) implements Comparable<BinlogPosition> {
    /** A binlog file's first event starts after its 4-byte magic number. */
    public static final long FIRST_EVENT = 4;

    private static final Pattern FILE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_-]{0,120})\\.(\\d{6,10})");
    private static final Comparator<BinlogPosition> ORDER = Comparator.comparing((BinlogPosition p) -> p.base())
            .thenComparingLong(BinlogPosition::sequence)
            .thenComparingLong(BinlogPosition::position);

    public BinlogPosition {
        requireFile(file);
        if (position < FIRST_EVENT) {
            throw new InvalidInputException(
                    "binlog position " + position + " in " + file + " is before the file's first event",
                    "positions start at 4 (after the magic number)");
        }
    }

    /** Checks a binlog file name as servers make them ({@code mysql-bin-changelog.000042}, {@code binlog.000001}). */
    public static String requireFile(String file) {
        if (file == null || !FILE.matcher(file).matches()) {
            throw new InvalidInputException(
                    "'" + file + "' is not a binlog file name",
                    "a binlog file is named like binlog.000001 (SHOW BINARY LOGS lists them)");
        }
        return file;
    }

    /** The start of {@code file}. */
    public static BinlogPosition startOf(String file) {
        return new BinlogPosition(file, FIRST_EVENT);
    }

    /**
     * The file a server writes after {@code file}: the same name with the next number, of the same width (what a
     * server starts with after a stop event, which names no next file).
     */
    public static String successor(String file) {
        Matcher m = FILE.matcher(requireFile(file));
        if (!m.matches()) {
            throw new IllegalStateException(file);
        }
        String digits = m.group(2);
        return m.group(1) + "." + String.format("%0" + digits.length() + "d", Long.parseLong(digits) + 1);
    }

    String base() {
        Matcher m = FILE.matcher(file);
        return m.matches() ? m.group(1) : file;
    }

    long sequence() {
        Matcher m = FILE.matcher(file);
        return m.matches() ? Long.parseLong(m.group(2)) : 0;
    }

    @Override
    public int compareTo(BinlogPosition o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return file + ":" + position;
    }
}
