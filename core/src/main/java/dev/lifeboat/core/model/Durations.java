package dev.lifeboat.core.model;

import dev.lifeboat.core.error.InvalidInputException;
import java.time.Duration;
import java.util.Locale;

/** Durations as an operator reads them: "2 h 5 min", "12 min 5 s", "45 s", "0.8 s"; never "PT12M5S". */
public final class Durations {
    private Durations() {}

    /**
     * A duration as an operator types it: a whole number of minutes, hours or days, {@code 90m}, {@code 26h},
     * {@code 2d}. Throws {@link InvalidInputException} naming {@code what} and the accepted forms.
     */
    public static Duration parse(String text, String what) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.matches("[0-9]{1,6}[mhd]")) {
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            Duration d = switch (t.charAt(t.length() - 1)) {
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            if (!d.isZero()) {
                return d;
            }
        }
        throw new InvalidInputException(
                what + " '" + text + "' is not a duration such as 26h, 90m or 2d (a whole number above 0)");
    }

    public static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 10 && d.toMillis() % 1000 != 0) {
            return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        }
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        if (s < 86400) {
            return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
        }
        return s / 86400 + " d" + (s % 86400 / 3600 == 0 ? "" : " " + s % 86400 / 3600 + " h");
    }
}
