package dev.lifeboat.core.guard;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements of SQL text that destroy data: {@code DROP} (a table, a database, a schema...), {@code TRUNCATE},
 * {@code DELETE} without {@code WHERE}, and {@code ALTER TABLE ... DROP}. Read in any case, after comments ({@code
 * --}, {@code #}, {@code /* *}{@code /}), string literals and quoted identifiers are taken out, so {@code SELECT
 * 'DROP TABLE x'} or a comment that mentions {@code TRUNCATE} is no match.
 */
final class Sql {
    private static final Pattern DROP = Pattern.compile("^DROP\\s+\\w+");
    private static final Pattern DELETE = Pattern.compile("^DELETE\\b");
    private static final Pattern ALTER_DROP = Pattern.compile("^ALTER\\s+TABLE\\b.*\\bDROP\\b");
    private static final Pattern WHERE = Pattern.compile("\\bWHERE\\b");
    private static final Pattern LEADING_WITH = Pattern.compile("^WITH\\b.*?\\)\\s*(DELETE\\b.*)$");

    private Sql() {}

    /** The first statement of {@code sql} that destroys data, as written (abbreviated); empty when none does. */
    static Optional<String> destructive(String sql) {
        String plain = strip(sql);
        for (String statement : plain.split(";", -1)) {
            String s = statement.strip().replaceAll("\\s+", " ");
            String upper = s.toUpperCase(Locale.ROOT);
            Matcher with = LEADING_WITH.matcher(upper);
            if (with.matches()) {
                upper = with.group(1);
            }
            if (upper.startsWith("EXPLAIN ") && !upper.contains("ANALYZE")) {
                continue; // EXPLAIN DELETE ... plans it; EXPLAIN ANALYZE runs it
            }
            upper = upper.replaceFirst("^EXPLAIN( \\(.*?\\))?( ANALYZE)?( VERBOSE)? ", "");
            if (DROP.matcher(upper).find()
                    || upper.startsWith("TRUNCATE")
                    || (DELETE.matcher(upper).find() && !WHERE.matcher(upper).find())
                    || ALTER_DROP.matcher(upper).find()) {
                return Optional.of(ShellReader.abbreviate(s));
            }
        }
        return Optional.empty();
    }

    /** The SQL without comments, with each string literal and quoted identifier replaced by a placeholder. */
    static String strip(String sql) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if ((c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') || c == '#') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                b.append(' ');
            } else if (c == '\'' || c == '"' || c == '`') {
                int j = i + 1;
                while (j < n) {
                    if (sql.charAt(j) == '\\' && c == '\'') {
                        j += 2;
                        continue;
                    }
                    if (sql.charAt(j) == c) {
                        if (j + 1 < n && sql.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    j++;
                }
                b.append(c == '\'' ? " 'S' " : " X ");
                i = j + 1;
            } else if (c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                int end = sql.indexOf(tag, i + tag.length());
                b.append(" 'S' ");
                i = end < 0 ? n : end + tag.length();
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    /** {@code $$} or {@code $tag$} at {@code i} (PostgreSQL's dollar quoting); null when none starts there. */
    private static String dollarTag(String sql, int i) {
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        return j < sql.length() && sql.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(sql.charAt(i + 1)))
                ? sql.substring(i, j + 1)
                : null;
    }
}
