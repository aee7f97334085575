package dev.lifeboat.core.config;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EventBridge's rules for a schedule expression, so a typo fails at {@code cdk synth} and not at deploy
 * time: six cron fields with their ranges and wildcards, {@code ?} in exactly one of day-of-month and
 * day-of-week, and rate units singular for 1 and plural above. Source: EventBridge user guide, "Using
 * cron and rate expressions to schedule rules" (eb-scheduled-rule-pattern) and "Rate expressions
 * reference" (eb-rate-expressions).
 */
public final class ScheduleExpression {
    private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (minute|minutes|hour|hours|day|days)\\)");
    private static final Pattern CRON = Pattern.compile("cron\\(([^()]*)\\)");
    private static final String MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC";
    private static final String DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT";

    private ScheduleExpression() {}

    /** What is wrong with {@code expression}, or empty when EventBridge accepts it. */
    public static Optional<String> problem(String expression) {
        Matcher rate = RATE.matcher(expression);
        if (rate.matches()) {
            long value = Long.parseLong(rate.group(1));
            boolean plural = rate.group(2).endsWith("s");
            if (value == 0) {
                return Optional.of("a rate must be a positive number");
            }
            if (value == 1 && plural) {
                return Optional.of("with a value of 1 the unit is singular: rate(1 "
                        + rate.group(2).replaceAll("s$", "") + ")");
            }
            if (value > 1 && !plural) {
                return Optional.of(
                        "with a value above 1 the unit is plural: rate(" + value + " " + rate.group(2) + "s)");
            }
            return Optional.empty();
        }
        Matcher cron = CRON.matcher(expression);
        if (!cron.matches()) {
            return Optional.of(
                    "use cron(M H DoM Mon DoW Y), e.g. cron(0 3 * * ? *), or rate(N unit), e.g. rate(6 hours)");
        }
        String[] f = cron.group(1).strip().split("\\s+", -1);
        if (f.length != 6) {
            return Optional.of("a cron expression has 6 fields (minutes hours day-of-month month day-of-week year),"
                    + " this one has " + f.length + "; e.g. cron(0 3 * * ? *)");
        }
        String[] names = {"minutes", "hours", "day-of-month", "month", "day-of-week", "year"};
        String[] patterns = {
            numeric(0, 59, ""),
            numeric(0, 23, ""),
            "\\?|L|LW|(" + range(1, 31) + ")W|" + numeric(1, 31, ""),
            numeric(1, 12, MONTHS),
            "\\?|L|(" + range(1, 7) + "|" + DAYS + ")(L|#[1-5])|" + numeric(1, 7, DAYS),
            numeric(1970, 2199, "")
        };
        for (int i = 0; i < 6; i++) {
            if (!f[i].toUpperCase(Locale.ROOT).matches(patterns[i])) {
                return Optional.of("the " + names[i] + " field '" + f[i] + "' is not valid there");
            }
        }
        int[][] bounds = {{0, 59}, {0, 23}, {1, 31}, {1, 12}};
        for (int i = 0; i < 4; i++) {
            String odd = oddItem(f[i].toUpperCase(Locale.ROOT), bounds[i][0], bounds[i][1]);
            if (odd != null) {
                return Optional.of("the " + names[i] + " field '" + f[i] + "' " + odd);
            }
        }
        boolean domAny = f[2].equals("?");
        boolean dowAny = f[4].equals("?");
        if (domAny == dowAny) {
            return Optional.of("give ? in exactly one of day-of-month and day-of-week (EventBridge cannot use both),"
                    + " e.g. cron(" + f[0] + " " + f[1] + " * " + f[3] + " ? " + f[5] + ")");
        }
        // A day of the month that none of the months has (cron(0 3 31 2 ? *)): valid syntax that never fires, so
        // the schedule it stands for would silently never run (issue 38, item 6).
        java.util.Set<Integer> days = values(f[2], 1, 31);
        java.util.Set<Integer> months = values(f[3].toUpperCase(Locale.ROOT), 1, 12);
        if (days != null && months != null && !days.isEmpty()) {
            int longest =
                    months.stream().mapToInt(m -> DAYS_IN_MONTH[m - 1]).max().orElse(31);
            if (days.stream().allMatch(d -> d > longest)) {
                return Optional.of("it never fires: no month of '" + f[3] + "' has day "
                        + days.stream().min(Integer::compare).orElseThrow()
                        + "; use L for the last day of the month, e.g. cron(" + f[0] + " " + f[1] + " L " + f[3] + " ? "
                        + f[5] + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * The most times a valid expression fires in one day: a rate of minutes or hours as many times as it fits in 24
     * hours, a rate of days once, a cron expression once per minute and hour it names (its days only thin it out).
     */
    public static int runsPerDay(String expression) {
        Matcher rate = RATE.matcher(expression);
        if (rate.matches()) {
            long value = Long.parseLong(rate.group(1));
            long minutes =
                    rate.group(2).startsWith("minute") ? value : rate.group(2).startsWith("hour") ? value * 60 : 1440;
            return (int) Math.max(1, (1440 + minutes - 1) / minutes);
        }
        Matcher cron = CRON.matcher(expression);
        if (!cron.matches()) {
            throw new IllegalArgumentException("not a schedule expression: " + expression);
        }
        String[] f = cron.group(1).strip().split("\\s+", -1);
        java.util.Set<Integer> minutes = values(f[0], 0, 59);
        java.util.Set<Integer> hours = values(f[1], 0, 23);
        return Math.max(1, (minutes == null ? 1 : minutes.size()) * (hours == null ? 1 : hours.size()));
    }

    /**
     * What is wrong with an item of a numeric field that its pattern lets through, or null: a step of 0 (fires never or
     * always, by the reader), a range that runs backwards (whether it wraps differs between cron readers, and counted
     * as written it never fires).
     */
    private static String oddItem(String field, int min, int max) {
        if (field.matches(".*[LW#?].*")) {
            return null;
        }
        for (String item : field.split(",", -1)) {
            String[] stepped = item.split("/", 2);
            if (stepped.length == 2 && Integer.parseInt(stepped[1]) == 0) {
                return "has a step of 0; give a step of 1 or more, e.g. */5";
            }
            String[] range = stepped[0].split("-", 2);
            if (range.length == 2 && number(range[0]) > number(range[1])) {
                return "has the range " + stepped[0] + ", which runs backwards; write it as two: " + number(range[0])
                        + "-" + max + "," + min + "-" + number(range[1]);
            }
        }
        return null;
    }

    /** The longest each month gets (February in a leap year). */
    private static final int[] DAYS_IN_MONTH = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private static final java.util.List<String> MONTH_NAMES =
            java.util.List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");

    /** The values a field of plain numbers, names, ranges, * and steps stands for; null for L, W, # and ?. */
    private static java.util.Set<Integer> values(String field, int min, int max) {
        if (field.matches(".*[LW#?].*")) {
            return null;
        }
        java.util.Set<Integer> out = new java.util.TreeSet<>();
        for (String item : field.split(",", -1)) {
            String[] stepped = item.split("/", 2);
            int step = stepped.length == 2 ? Integer.parseInt(stepped[1]) : 1;
            int from;
            int to;
            if (stepped[0].equals("*")) {
                from = min;
                to = max;
            } else {
                String[] range = stepped[0].split("-", 2);
                from = number(range[0]);
                to = range.length == 2 ? number(range[1]) : (stepped.length == 2 ? max : from);
            }
            for (int v = from; v <= to && step > 0; v += step) {
                out.add(v);
            }
        }
        return out;
    }

    private static int number(String value) {
        int month = MONTH_NAMES.indexOf(value);
        return month >= 0 ? month + 1 : Integer.parseInt(value);
    }

    /** A list of values, ranges, * and increments within min..max (or named values). */
    private static String numeric(int min, int max, String names) {
        String value = "(" + range(min, max) + (names.isEmpty() ? "" : "|" + names) + ")";
        String item = "(\\*|" + value + "(-" + value + ")?)(/\\d+)?";
        return item + "(," + item + ")*";
    }

    /** A regular expression for the whole numbers min..max (no leading zeros beyond one). */
    private static String range(int min, int max) {
        StringBuilder sb = new StringBuilder();
        for (int i = max; i >= min; i--) {
            sb.append(i == max ? "" : "|").append(i);
            if (i < 10 && max >= 10) {
                sb.append("|0").append(i);
            }
        }
        return sb.toString();
    }
}
