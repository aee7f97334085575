package dev.lifeboat.adapters.process;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Statements about accounts, which MariaDB writes to its binlog as typed, passwords included ({@code ALTER USER ...
 * IDENTIFIED BY 'secret'}: found by a hostile review in {@code lifeboat changes}): shown by their kind alone.
 */
final class AccountStatements {
    private static final Pattern ACCOUNT = Pattern.compile(
            "(?is)^\\s*(?:/\\*.*?\\*/\\s*)*((?:CREATE|ALTER|DROP|RENAME)\\s+(?:USER|ROLE)|GRANT|REVOKE|SET\\s+(?:PASSWORD|ROLE|DEFAULT\\s+ROLE))\\b.*");
    private static final Pattern SECRETISH = Pattern.compile("(?i)\\b(IDENTIFIED|PASSWORD)\\b");

    private AccountStatements() {}

    /** The statement, or, for one about accounts or one that names a password, only its kind. */
    static String shown(String statement) {
        Matcher m = ACCOUNT.matcher(statement);
        if (m.matches()) {
            return m.group(1).replaceAll("\\s+", " ").toUpperCase(java.util.Locale.ROOT)
                    + " … (an account statement: its text may hold a password and is not shown)";
        }
        if (SECRETISH.matcher(statement).find()) {
            return "(a statement that names a password: not shown)";
        }
        return statement;
    }
}
