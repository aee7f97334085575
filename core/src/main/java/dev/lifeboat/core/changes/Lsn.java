package dev.lifeboat.core.changes;

import java.util.regex.Pattern;

/** A PostgreSQL log sequence number in its text form ({@code 3/ECC284C8}): two 32-bit halves in hexadecimal. */
public final class Lsn {
    private static final Pattern TEXT = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

    private Lsn() {}

    public static long parse(String text) {
        if (text == null || !TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException("not an LSN: " + (text == null ? "none" : "'" + text + "'"));
        }
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    /** Whether {@code text} is an LSN {@link #parse} reads. */
    public static boolean valid(String text) {
        return text != null && TEXT.matcher(text).matches();
    }

    public static String format(long lsn) {
        return String.format("%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }

    /** Sixteen hex digits: keys in the vault sort as the positions they name. */
    static String key(long lsn) {
        return String.format("%016X", lsn);
    }
}
