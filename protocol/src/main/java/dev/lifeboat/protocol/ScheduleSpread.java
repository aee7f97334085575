package dev.lifeboat.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * Where in a schedule's window each database starts, the one rule the fan-out (core's {@code FanOut}) and the CDK
 * app's per-database schedules (the source accounts' dumps) share: spread by the database's id, the same every time.
 */
public final class ScheduleSpread {
    private ScheduleSpread() {}

    /**
     * Where in {@code window} the database starts: a whole number of minutes from the SHA-256 of its id, the same
     * every time; zero without a window.
     */
    public static Duration offset(String databaseId, Duration window) {
        long minutes = window == null ? 0 : window.toMinutes();
        if (minutes <= 0) {
            return Duration.ZERO;
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(databaseId.getBytes(StandardCharsets.UTF_8));
            return Duration.ofMinutes(Math.floorMod(ByteBuffer.wrap(h).getLong(), minutes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static final java.util.regex.Pattern DAILY =
            java.util.regex.Pattern.compile("cron\\((\\d{1,2}) (\\d{1,2}) (.+)\\)");

    /**
     * A schedule of fixed minute and hour ({@code cron(30 2 * * ? *)}) moved {@code offset} later, for the schedules
     * that start one database each (the dumps in the source accounts): the same spread as {@link #offset} gives the
     * fan-out's runs. Empty when the expression has no fixed minute and hour, or the move would cross midnight.
     */
    public static java.util.Optional<String> shifted(String expression, Duration offset) {
        java.util.regex.Matcher m = DAILY.matcher(expression == null ? "" : expression.trim());
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        long total = Long.parseLong(m.group(2)) * 60 + Long.parseLong(m.group(1)) + offset.toMinutes();
        if (Long.parseLong(m.group(1)) > 59 || Long.parseLong(m.group(2)) > 23 || total >= 24 * 60) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("cron(" + total % 60 + " " + total / 60 + " " + m.group(3) + ")");
    }
}
