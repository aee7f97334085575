package dev.lifeboat.core.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Recognizes, in a shell command about to run (what an AI coding agent's pre-command hook or a shell hook hands
 * over), the commands that destroy a database or its protection: {@code terraform}/{@code tofu}/{@code
 * terragrunt} {@code destroy} or {@code apply}, {@code aws rds delete-db-instance}/{@code delete-db-cluster}, and
 * {@code aws rds modify-db-instance}/{@code modify-db-cluster} with {@code --no-deletion-protection}. It reads the
 * command as a shell does (quotes, {@code ;}, {@code &&}, {@code ||}, {@code |}, leading assignments, {@code
 * sudo}/{@code env}/{@code time}/{@code nohup}/{@code xargs}, and the string of {@code bash -c}/{@code sh -c}/
 * {@code eval}), so {@code echo terraform destroy} or {@code git commit -m "terraform destroy"} is no match, and
 * {@code bash -c 'terraform destroy'} is one.
 */
public final class CommandHook {
    /** A destructive command: the tool, what it does, and the database identifier when the command names one. */
    public record Danger(String tool, String what, String identifier) {}

    private static final Set<String> WRAPPERS = Set.of("sudo", "env", "time", "nohup", "exec", "command", "nice");
    private static final Set<String> SHELLS = Set.of("bash", "sh", "zsh", "dash", "ksh");
    private static final Set<String> TERRAFORM = Set.of("terraform", "tofu", "terragrunt");

    private CommandHook() {}

    public static Optional<Danger> classify(String commandLine) {
        return classify(commandLine, 0);
    }

    private static Optional<Danger> classify(String commandLine, int depth) {
        if (commandLine == null || depth > 4) {
            return Optional.empty();
        }
        for (List<String> words : simpleCommands(commandLine)) {
            Optional<Danger> d = simple(words, depth);
            if (d.isPresent()) {
                return d;
            }
        }
        return Optional.empty();
    }

    private static Optional<Danger> simple(List<String> words, int depth) {
        int i = 0;
        while (i < words.size()) {
            String w = words.get(i);
            if (w.matches("[A-Za-z_][A-Za-z0-9_]*=.*")) {
                i++;
            } else if (WRAPPERS.contains(basename(w))) {
                i++;
                while (i < words.size() && words.get(i).startsWith("-")) {
                    i++; // the wrapper's own options (sudo -u root, env -i, nice -n 5: the value is skipped below)
                    if (i < words.size() && words.get(i - 1).matches("-[unCgp]")) {
                        i++;
                    }
                }
            } else if (basename(w).equals("xargs")) {
                i++;
                while (i < words.size() && words.get(i).startsWith("-")) {
                    i++;
                }
            } else {
                break;
            }
        }
        if (i >= words.size()) {
            return Optional.empty();
        }
        String program = basename(words.get(i));
        List<String> args = words.subList(i + 1, words.size());
        if (SHELLS.contains(program)) {
            int c = args.indexOf("-c");
            return c >= 0 && c + 1 < args.size() ? classify(args.get(c + 1), depth + 1) : Optional.empty();
        }
        if (program.equals("eval")) {
            return classify(String.join(" ", args), depth + 1);
        }
        if (TERRAFORM.contains(program)) {
            String sub =
                    args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse("");
            if (sub.equals("destroy")) {
                return Optional.of(new Danger(program, program + " destroy", null));
            }
            if (sub.equals("apply")) {
                boolean destroy = args.contains("-destroy") || args.contains("--destroy");
                return Optional.of(new Danger(program, program + " apply" + (destroy ? " -destroy" : ""), null));
            }
            return Optional.empty();
        }
        if (program.equals("aws")) {
            List<String> positional = positional(args);
            if (positional.size() >= 2 && positional.get(0).equals("rds")) {
                String op = positional.get(1);
                if (op.equals("delete-db-instance")) {
                    return Optional.of(
                            new Danger("aws", "aws rds delete-db-instance", value(args, "--db-instance-identifier")));
                }
                if (op.equals("delete-db-cluster")) {
                    return Optional.of(
                            new Danger("aws", "aws rds delete-db-cluster", value(args, "--db-cluster-identifier")));
                }
                if ((op.equals("modify-db-instance") || op.equals("modify-db-cluster"))
                        && args.contains("--no-deletion-protection")) {
                    return Optional.of(new Danger(
                            "aws",
                            "aws rds " + op + " --no-deletion-protection",
                            value(
                                    args,
                                    op.equals("modify-db-instance")
                                            ? "--db-instance-identifier"
                                            : "--db-cluster-identifier")));
                }
            }
        }
        return Optional.empty();
    }

    /** The words that are not options nor option values ({@code aws --region x rds ...}: rds, ...). */
    private static List<String> positional(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("--")) {
                if (!a.contains("=")
                        && i + 1 < args.size()
                        && !args.get(i + 1).startsWith("-")
                        && Set.of("--region", "--profile", "--output", "--endpoint-url", "--query")
                                .contains(a)) {
                    i++;
                }
            } else if (!a.startsWith("-")) {
                out.add(a);
            }
        }
        return out;
    }

    private static String value(List<String> args, String option) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(option) && i + 1 < args.size()) {
                return args.get(i + 1);
            }
            if (args.get(i).startsWith(option + "=")) {
                return args.get(i).substring(option.length() + 1);
            }
        }
        return null;
    }

    private static String basename(String word) {
        return word.substring(word.lastIndexOf('/') + 1);
    }

    /** The simple commands of a command line, each as its words, quotes removed, split at ; & | && || and newlines. */
    static List<List<String>> simpleCommands(String line) {
        List<List<String>> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
                continue;
            }
            if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (c == ';' || c == '&' || c == '|' || c == '\n' || c == '(' || c == ')' || c == '`') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                if (!words.isEmpty()) {
                    out.add(words);
                    words = new ArrayList<>();
                }
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (!words.isEmpty()) {
            out.add(words);
        }
        return out;
    }
}
