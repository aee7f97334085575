package dev.lifeboat.core.model;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether what the vault holds was written by a newer Lifeboat than the one reading it (issue 39). Dump manifests and
 * shape records name their writer ({@code writtenBy}); a reader ignores fields it does not know, so an older reader
 * of a newer record may see less than the record holds, and says so instead of staying silent. The writer's name
 * comes from the vault, which whoever can write there may forge: it is compared as numbers of any size and shown
 * only as printable characters, at most 40 of them.
 */
public final class WriterVersion {
    private static final Pattern RELEASE =
            Pattern.compile("^v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(.*)$", Pattern.DOTALL);
    private static final int SHOWN = 40;

    private WriterVersion() {}

    /**
     * A note when {@code writer} is newer than {@code reader}; empty when it is not, or when either version is unknown
     * (a record written before writers were recorded, or a development build). A release is newer than its own
     * pre-releases: 1.0.0 than 1.0.0-SNAPSHOT or 1.0.0-rc1.
     */
    public static Optional<String> newerThanReader(String writer, String reader) {
        Matcher w = match(writer);
        Matcher r = match(reader);
        if (w == null || r == null) {
            return Optional.empty();
        }
        int c = Arrays.compare(numbers(w), numbers(r));
        boolean newer = c > 0 || (c == 0 && w.group(4).isEmpty() && !r.group(4).isEmpty());
        if (!newer) {
            return Optional.empty();
        }
        String shown = shown(writer);
        return Optional.of("written by Lifeboat " + shown + ", newer than this " + reader
                + ": if anything of it looks missing, read it with " + shown + " or newer");
    }

    private static Matcher match(String version) {
        if (version == null) {
            return null;
        }
        Matcher m = RELEASE.matcher(version);
        return m.matches() ? m : null;
    }

    private static BigInteger[] numbers(Matcher m) {
        BigInteger[] n = new BigInteger[3];
        for (int i = 0; i < 3; i++) {
            n[i] = m.group(i + 1) == null ? BigInteger.ZERO : new BigInteger(m.group(i + 1));
        }
        return n;
    }

    /** The writer's name as it may be printed: printable ASCII, at most {@value #SHOWN} characters. */
    private static String shown(String writer) {
        String printable = writer.replaceAll("[^\\x21-\\x7E]", "?");
        return printable.length() <= SHOWN ? printable : printable.substring(0, SHOWN) + "...";
    }
}
