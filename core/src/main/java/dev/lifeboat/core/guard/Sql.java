package dev.lifeboat.core.guard;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements of SQL text that destroy data: {@code DROP} (a table, a database, a schema...), {@code TRUNCATE},
 * {@code DELETE} and {@code UPDATE} without {@code WHERE} or with a {@code WHERE} that holds for every row ({@code
 * WHERE true}, {@code WHERE 1=1}, {@code ... OR 1=1}), and {@code ALTER TABLE ... DROP}. Read in any case, after
 * comments ({@code --}, {@code #}, {@code /* *}{@code /}), string literals and quoted identifiers are taken out, so
 * {@code SELECT 'DROP TABLE x'} or a comment that mentions {@code TRUNCATE} is no match.
 *
 * <p>SQL whose effect is in text or code the reader cannot see is {@link #dynamic}: a {@code DO} block, {@code
 * EXECUTE} of a prepared or built statement, {@code CALL} of a procedure, {@code dblink_exec}/{@code dblink} (SQL
 * run on another connection), {@code COPY ... PROGRAM} (a shell command on the server). {@code ALTER ... RENAME}
 * destroys nothing (the data stays, under another name) and is not matched.
 */
final class Sql {
    private static final Pattern DROP = Pattern.compile("^DROP\\s+\\w+");
    private static final Pattern DELETE = Pattern.compile("^DELETE\\b");
    private static final Pattern ALTER_DROP = Pattern.compile("^ALTER\\s+TABLE\\b.*\\bDROP\\b");
    private static final Pattern UPDATE = Pattern.compile("^UPDATE\\b");
    private static final Pattern WHERE = Pattern.compile("\\bWHERE\\b");
    private static final Pattern LEADING_WITH = Pattern.compile("^WITH\\b.*?\\)\\s*((?:DELETE|UPDATE)\\b.*)$");
    /** A condition that holds for every row: a constant true, or a value compared with itself. */
    private static final String ALWAYS = "(?:TRUE|NOT FALSE|1|(\\S+) ?= ?\\1|(\\d+) ?(?:>=|<=) ?\\2)";

    private static final Pattern ALWAYS_TRUE =
            Pattern.compile("\\bWHERE (?:\\( ?)*" + ALWAYS + "(?: ?\\))*(?: ?(?:;|$|LIMIT\\b|RETURNING\\b|ORDER\\b))");
    private static final Pattern OR_ALWAYS =
            Pattern.compile("\\bWHERE\\b.*\\bOR (?:\\( ?)*" + ALWAYS + "(?: ?\\))*(?: |$)");
    private static final Pattern DYNAMIC_STATEMENT = Pattern.compile("^(DO|EXECUTE|EXEC|CALL)\\b");
    private static final Pattern DYNAMIC_ANYWHERE =
            Pattern.compile("\\bDBLINK(?:_EXEC)?\\s*\\(|^COPY\\b.*\\bPROGRAM\\b|^\\\\COPY\\b.*\\bPROGRAM\\b");

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
            boolean everyRow = !WHERE.matcher(upper).find()
                    || ALWAYS_TRUE.matcher(upper).find()
                    || OR_ALWAYS.matcher(upper).find();
            if (DROP.matcher(upper).find()
                    || upper.startsWith("TRUNCATE")
                    || ((DELETE.matcher(upper).find() || UPDATE.matcher(upper).find()) && everyRow)
                    || ALTER_DROP.matcher(upper).find()) {
                return Optional.of(ShellReader.abbreviate(s));
            }
        }
        return Optional.empty();
    }

    /**
     * The first statement of {@code sql} whose effect cannot be read from the text ({@code DO}, {@code EXECUTE},
     * {@code CALL}, {@code dblink_exec}, {@code COPY ... PROGRAM}), as written (abbreviated); empty when none.
     */
    static Optional<String> dynamic(String sql) {
        for (String statement : strip(sql).split(";", -1)) {
            String s = statement.strip().replaceAll("\\s+", " ");
            String upper = s.toUpperCase(Locale.ROOT).replaceFirst("^EXPLAIN( \\(.*?\\))?( ANALYZE)?( VERBOSE)? ", "");
            if (DYNAMIC_STATEMENT.matcher(upper).find()
                    || DYNAMIC_ANYWHERE.matcher(upper).find()) {
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
