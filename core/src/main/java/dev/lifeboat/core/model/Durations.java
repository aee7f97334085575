package dev.lifeboat.core.model;

import java.time.Duration;
import java.util.Locale;

/** Durations as an operator reads them: "2 h 5 min", "12 min 5 s", "45 s", "0.8 s"; never "PT12M5S". */
public final class Durations {
    private Durations() {}

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
