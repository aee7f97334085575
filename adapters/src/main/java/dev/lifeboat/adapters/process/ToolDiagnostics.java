package dev.lifeboat.adapters.process;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What of a dump or load tool's stderr may reach a log line or an error message: only its diagnostics
 * (lines the tools start with their name or a severity), each cut to a bounded length, with quoted values
 * and the data after "line N:" masked. The mariadb client echoes a failing statement, row values and
 * all, and pg_restore quotes the COPY line it choked on: in Lambda that is customer data in CloudWatch.
 * Everything else is counted, never shown.
 */
final class ToolDiagnostics {
    /** Longest line kept, after masking. */
    static final int MAX_LINE = 240;

    private static final Pattern DIAGNOSTIC = Pattern.compile(
            "^(pg_dump|pg_restore|pg_dumpall|psql|mariadb|mariadb-dump|mysql|mysqldump)(\\.exe)?: "
                    + "|^(ERROR|FATAL|PANIC|WARNING|NOTICE|DETAIL|HINT|CONTEXT|LOCATION)\\b"
                    + "|^(Error|Warning|Got error)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SINGLE_QUOTED = Pattern.compile("'(?:[^'\\\\]|\\\\.|'')*'");
    private static final Pattern AFTER_LINE_NUMBER = Pattern.compile("(\\bline \\d+:).*$");
    /**
     * The mariadb client's "ERROR 1050 (42S01) at line 23: Table 'log' already exists": what follows the line number
     * is the server's message, shown with its quoted values masked (they can be row data: "Duplicate entry '…'"),
     * but the names of tables, keys and other objects kept (issue 38, item 5: the message used to be dropped whole).
     */
    private static final Pattern MARIADB_ERROR = Pattern.compile("^(ERROR \\d+ \\([0-9A-Z]+\\) at line \\d+: )(.*)$");
    /** A quoted word after one of these is an object's name, not data. */
    private static final Pattern NAMES_AN_OBJECT = Pattern.compile(
            "(?i)\\b(table|database|schema|key|column|constraint|index|view|function|procedure|trigger|sequence)\\s*$");

    private static final Pattern COMMAND_WAS = Pattern.compile("(?i)((?:command|query) was:).*$");
    private static final Pattern NEAR = Pattern.compile("(?i)(\\bnear )\\S.*$");
    /** PostgreSQL's "Key (email)=(alice@example.com) already exists": the values are data. */
    private static final Pattern KEY_VALUES = Pattern.compile("=\\((?:[^()]|\\([^()]*\\))*\\)");

    private ToolDiagnostics() {}

    /**
     * The line as it may be shown, or empty when it is not a diagnostic (a statement or a row the tool
     * echoed). A password is masked first.
     */
    static Optional<String> shown(String line, String secret) {
        String l = secret == null || secret.isEmpty() ? line : line.replace(secret, "****");
        if (!DIAGNOSTIC.matcher(l).find()) {
            return Optional.empty();
        }
        l = COMMAND_WAS.matcher(l).replaceAll("$1 …");
        Matcher mariadb = MARIADB_ERROR.matcher(l);
        if (mariadb.matches()) {
            String message = NEAR.matcher(mariadb.group(2)).replaceAll("$1…");
            l = mariadb.group(1) + maskValuesKeepingNames(message);
            return Optional.of(l.length() > MAX_LINE ? l.substring(0, MAX_LINE) + "…" : l);
        }
        l = AFTER_LINE_NUMBER.matcher(l).replaceAll("$1 …");
        l = NEAR.matcher(l).replaceAll("$1…");
        l = SINGLE_QUOTED.matcher(l).replaceAll("'…'");
        l = KEY_VALUES.matcher(l).replaceAll("=(…)");
        if (l.length() > MAX_LINE) {
            l = l.substring(0, MAX_LINE) + "…";
        }
        return Optional.of(l);
    }

    private static String maskValuesKeepingNames(String message) {
        Matcher quoted = SINGLE_QUOTED.matcher(message);
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (quoted.find()) {
            out.append(message, at, quoted.start());
            boolean name = NAMES_AN_OBJECT
                            .matcher(message.substring(0, quoted.start()))
                            .find()
                    && quoted.group().length() <= 130;
            out.append(name ? quoted.group() : "'…'");
            at = quoted.end();
        }
        return out.append(message.substring(at)).toString();
    }

    /** True for a diagnostic that means failure even when the tool exits 0. */
    static boolean isError(String shownLine) {
        String l = shownLine.toLowerCase(Locale.ROOT);
        return l.matches("(?s)(^|.*:\\s*)(error|fatal)\\b.*")
                || l.contains("got error")
                || l.contains("couldn't execute")
                || l.contains("access denied");
    }
}
