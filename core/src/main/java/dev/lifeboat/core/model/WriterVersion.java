package dev.lifeboat.core.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether what the vault holds was written by a newer Lifeboat than the one reading it (issue 39). Dump manifests and
 * shape records name their writer ({@code writtenBy}); a reader ignores fields it does not know, so an older reader
 * of a newer record may see less than the record holds, and says so instead of staying silent.
 */
public final class WriterVersion {
    private static final Pattern RELEASE = Pattern.compile("^v?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

    private WriterVersion() {}

    /**
     * A note when {@code writer} is newer than {@code reader}; empty when it is not, or when either version is unknown
     * (a record written before writers were recorded, or a development build).
     */
    public static Optional<String> newerThanReader(String writer, String reader) {
        int[] w = releaseNumbers(writer);
        int[] r = releaseNumbers(reader);
        if (w == null || r == null || Arrays.compare(w, r) <= 0) {
            return Optional.empty();
        }
        return Optional.of("written by Lifeboat " + writer + ", newer than this " + reader
                + ": if anything of it looks missing, read it with " + writer + " or newer");
    }

    /** 1.2.3 of "1.2.3", "1.2.3-SNAPSHOT" or "v1.2"; null when there is no such number. */
    static int[] releaseNumbers(String version) {
        if (version == null) {
            return null;
        }
        Matcher m = RELEASE.matcher(version);
        if (!m.find()) {
            return null;
        }
        int[] n = new int[3];
        for (int i = 0; i < 3; i++) {
            n[i] = m.group(i + 1) == null ? 0 : Integer.parseInt(m.group(i + 1));
        }
        return n;
    }
}
