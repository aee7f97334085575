package dev.lifeboat.core.guard;

import dev.lifeboat.core.guard.CommandHook.Arg;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the SQL clients read their command line and their input, as their own option parsers do: getopt's short
 * options (clusters such as {@code -Xqc}, a value attached {@code -cSQL} or in the next word, {@code mysql -p} that
 * takes only an attached value), long options ({@code --command=SQL}, {@code --command SQL}, and a unique
 * abbreviation such as {@code --comm} or {@code --exec}, which getopt_long and MySQL's my_getopt both accept), and
 * the client's own meta-commands in the SQL text ({@code \!}, {@code \i}, {@code \gexec}, {@code \o |cmd}, ...).
 */
final class SqlClients {
    /** What an option means to the guard. */
    enum Role {
        CODE,
        FILE,
        DATABASE,
        HOST,
        PORT,
        VARIABLE,
        OTHER
    }

    /** One option given, with its value (null: none) and whether the value is known before the command runs. */
    record Given(Role role, String option, String value, boolean known) {}

    /**
     * One client's options: the short options that take a value (the rest of the word or the next word), those
     * that take only an attached value, the role of each short option, and every long option with whether it takes
     * a value (flags are listed too, so that an abbreviation is unique only when the client would find it so).
     */
    record Client(
            String valueShort,
            String attachedOnly,
            Map<Character, Role> shortRoles,
            Map<String, Role> longValued,
            List<String> longFlags) {

        /** The options of {@code args} that take a value, in order, and the positional words after them. */
        List<Given> parse(List<Arg> args, List<String> positional) {
            List<Given> out = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                Arg arg = args.get(i);
                String a = arg.text();
                if (a.equals("--")) {
                    args.subList(i + 1, args.size()).forEach(p -> positional.add(p.text()));
                    break;
                }
                if (a.startsWith("--")) {
                    int eq = a.indexOf('=');
                    String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
                    String full = resolve(name);
                    if (full == null || !longValued.containsKey(full)) {
                        continue; // a flag, or an option the client would refuse
                    }
                    Role role = longValued.get(full);
                    if (eq >= 0) {
                        out.add(new Given(role, "--" + full, a.substring(eq + 1), arg.known()));
                    } else if (i + 1 < args.size()) {
                        Arg v = args.get(++i);
                        out.add(new Given(role, "--" + full, v.text(), v.known()));
                    }
                    continue;
                }
                if (a.startsWith("-") && a.length() > 1) {
                    for (int k = 1; k < a.length(); k++) {
                        char ch = a.charAt(k);
                        Role role = shortRoles.getOrDefault(ch, Role.OTHER);
                        if (attachedOnly.indexOf(ch) >= 0) {
                            out.add(new Given(role, "-" + ch, a.substring(k + 1), arg.known()));
                            break;
                        }
                        if (valueShort.indexOf(ch) >= 0) {
                            if (k + 1 < a.length()) {
                                out.add(new Given(role, "-" + ch, a.substring(k + 1), arg.known()));
                            } else if (i + 1 < args.size()) {
                                Arg v = args.get(++i);
                                out.add(new Given(role, "-" + ch, v.text(), v.known()));
                            }
                            break;
                        }
                    }
                    continue;
                }
                positional.add(a);
            }
            return out;
        }

        /** The long option {@code name} names: itself, or the one option it abbreviates; null when none or several. */
        private String resolve(String name) {
            if (longValued.containsKey(name) || longFlags.contains(name)) {
                return name;
            }
            List<String> candidates = new ArrayList<>();
            longValued.keySet().stream().filter(o -> o.startsWith(name)).forEach(candidates::add);
            longFlags.stream().filter(o -> o.startsWith(name)).forEach(candidates::add);
            return candidates.size() == 1 && !name.isEmpty() ? candidates.getFirst() : null;
        }
    }

    /** psql's options (psql --help, PostgreSQL 17). */
    static final Client PSQL = new Client(
            "cdfhLopPTUvFR",
            "",
            Map.of(
                    'c', Role.CODE,
                    'f', Role.FILE,
                    'd', Role.DATABASE,
                    'h', Role.HOST,
                    'p', Role.PORT,
                    'v', Role.VARIABLE),
            Map.ofEntries(
                    Map.entry("command", Role.CODE),
                    Map.entry("file", Role.FILE),
                    Map.entry("dbname", Role.DATABASE),
                    Map.entry("host", Role.HOST),
                    Map.entry("port", Role.PORT),
                    Map.entry("set", Role.VARIABLE),
                    Map.entry("variable", Role.VARIABLE),
                    Map.entry("username", Role.OTHER),
                    Map.entry("output", Role.OTHER),
                    Map.entry("log-file", Role.OTHER),
                    Map.entry("pset", Role.OTHER),
                    Map.entry("table-attr", Role.OTHER),
                    Map.entry("field-separator", Role.OTHER),
                    Map.entry("record-separator", Role.OTHER)),
            List.of(
                    "echo-all",
                    "echo-errors",
                    "echo-queries",
                    "echo-hidden",
                    "list",
                    "no-psqlrc",
                    "single-transaction",
                    "help",
                    "version",
                    "quiet",
                    "single-step",
                    "single-line",
                    "no-align",
                    "csv",
                    "html",
                    "tuples-only",
                    "expanded",
                    "field-separator-zero",
                    "record-separator-zero",
                    "no-password",
                    "password",
                    "no-readline"));

    /** mysql's and mariadb's options (mysql --help): {@code -p} and {@code -#} take only an attached value. */
    static final Client MYSQL = new Client(
            "eDhPSu",
            "p#",
            Map.of('e', Role.CODE, 'D', Role.DATABASE, 'h', Role.HOST, 'P', Role.PORT),
            Map.ofEntries(
                    Map.entry("execute", Role.CODE),
                    Map.entry("init-command", Role.CODE),
                    Map.entry("database", Role.DATABASE),
                    Map.entry("host", Role.HOST),
                    Map.entry("port", Role.PORT),
                    Map.entry("user", Role.OTHER),
                    Map.entry("socket", Role.OTHER),
                    Map.entry("protocol", Role.OTHER),
                    Map.entry("defaults-file", Role.OTHER),
                    Map.entry("defaults-extra-file", Role.OTHER),
                    Map.entry("login-path", Role.OTHER),
                    Map.entry("default-character-set", Role.OTHER),
                    Map.entry("delimiter", Role.OTHER),
                    Map.entry("pager", Role.OTHER),
                    Map.entry("prompt", Role.OTHER),
                    Map.entry("tee", Role.OTHER)),
            List.of(
                    "batch",
                    "silent",
                    "skip-column-names",
                    "raw",
                    "vertical",
                    "force",
                    "xml",
                    "html",
                    "table",
                    "verbose",
                    "unbuffered",
                    "quick",
                    "compress",
                    "password",
                    "no-defaults",
                    "one-database",
                    "help",
                    "version",
                    "safe-updates",
                    "wait",
                    "comments",
                    "binary-mode",
                    "ssl"));

    static Client of(String name) {
        return name.equals("psql") ? PSQL : MYSQL;
    }

    /** What a meta-command of the client does. */
    enum MetaKind {
        /** Runs its argument as a shell command: psql {@code \!}, {@code \o |cmd}, {@code \g |cmd}; mysql {@code system}. */
        SHELL,
        /** Runs the SQL of a file: psql {@code \i}, {@code \ir}, {@code \include}; mysql {@code source}, {@code \.}. */
        INCLUDE,
        /** Runs SQL that is not in the text: {@code \gexec} (each result as a statement), {@code \copy ... program}. */
        HIDDEN,
        /** Sets a variable that {@code :name} interpolates as SQL: psql {@code \set NAME VALUE}. */
        SET
    }

    /** A meta-command: what it does, and its argument (the rest of its line). */
    record Meta(MetaKind kind, String command, String argument) {}

    private static final Pattern PSQL_META = Pattern.compile(
            "\\\\(!|ir|i|include_relative|include|o|out|gx|g|w|write|gexec|copy|set)(?![A-Za-z_])[ \\t]*([^\\n]*)");
    private static final Pattern MYSQL_META =
            Pattern.compile("(?im)(?:^|;)\\s*(system|source)\\s+([^\\n;]*)|\\\\([!.])\\s*([^\\n;]*)");

    /** The meta-commands of {@code sql} as client {@code name} reads them. */
    static List<Meta> metaCommands(String name, String sql) {
        List<Meta> out = new ArrayList<>();
        if (name.equals("psql")) {
            Matcher m = PSQL_META.matcher(sql);
            while (m.find()) {
                String cmd = m.group(1);
                String arg = m.group(2).strip();
                switch (cmd) {
                    case "!" -> out.add(new Meta(MetaKind.SHELL, "\\!", arg));
                    case "i", "ir", "include", "include_relative" ->
                        out.add(new Meta(MetaKind.INCLUDE, "\\" + cmd, arg));
                    case "o", "out", "g", "gx", "w", "write" -> {
                        if (arg.startsWith("|")) {
                            out.add(new Meta(
                                    MetaKind.SHELL,
                                    "\\" + cmd + " |",
                                    arg.substring(1).strip()));
                        }
                    }
                    case "gexec" -> out.add(new Meta(MetaKind.HIDDEN, "\\gexec", arg));
                    case "copy" -> {
                        if (arg.matches("(?is).*\\bprogram\\b.*")) {
                            out.add(new Meta(MetaKind.HIDDEN, "\\copy ... program", arg));
                        }
                    }
                    case "set" -> out.add(new Meta(MetaKind.SET, "\\set", arg));
                    default -> {
                        // not reached: the pattern names only these
                    }
                }
            }
        } else {
            Matcher m = MYSQL_META.matcher(sql);
            while (m.find()) {
                String cmd = m.group(1) != null ? m.group(1).toLowerCase(java.util.Locale.ROOT) : m.group(3);
                String arg = (m.group(1) != null ? m.group(2) : m.group(4)).strip();
                boolean shell = cmd.equals("system") || cmd.equals("!");
                out.add(new Meta(shell ? MetaKind.SHELL : MetaKind.INCLUDE, cmd, arg));
            }
        }
        return out;
    }

    private SqlClients() {}
}
