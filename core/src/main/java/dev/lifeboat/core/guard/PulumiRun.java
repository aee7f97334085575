package dev.lifeboat.core.guard;

import dev.lifeboat.core.error.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code pulumi up} (alias {@code update}) or {@code pulumi destroy} (alias {@code down}) as the wrapper reads it,
 * to run it as a preview in JSON, a guard of that preview, and the command itself. Pulumi's command line is cobra's
 * (https://www.pulumi.com/docs/iac/cli/commands/pulumi_up/, .../pulumi_destroy/, .../pulumi/ for the options every
 * command inherits): options may stand before or after the subcommand; a long option takes its value after {@code =}
 * or as the next word, a short one attached ({@code -sprod}), after {@code =} or as the next word; boolean short
 * options cluster ({@code -yf}); an option whose value is optional ({@code --refresh}, every boolean) takes one only
 * after {@code =}.
 *
 * <p>{@code globals}: the options of every pulumi command ({@code --cwd/-C}, {@code --color}, ...), put before the
 * subcommand of each command the wrapper runs; {@code planning}: those that decide what the operation does (the stack,
 * its configuration, targets, excludes, replacements, refresh, policy packs, parallelism), given to the preview and to
 * the run alike; {@code running}: those that concern only the run (approval, display, its message), given to the run
 * only. An option the wrapper does not know is refused, never passed on unread: it could change what runs after the
 * guard looked (a plan of the user's own, a remote deployment, ...).
 */
public record PulumiRun(
        String program, List<String> globals, boolean destroy, List<String> planning, List<String> running) {

    private enum Arity {
        /** No value; a value only after {@code =} ({@code --yes=false}). */
        FLAG,
        /** A value after {@code =}, as the next word, or (short) attached. */
        VALUE
    }

    private enum Role {
        GLOBAL,
        PLANNING,
        RUNNING
    }

    private record Known(String name, Arity arity, Role role) {}

    /** Every option the wrapper knows, by long name; the short names map to them in {@link #SHORT}. */
    private static final Map<String, Known> LONG = known();

    private static final Map<Character, String> SHORT = Map.ofEntries(
            Map.entry('C', "cwd"),
            Map.entry('e', "emoji"),
            Map.entry('Q', "fully-qualify-stack-names"),
            Map.entry('v', "verbose"),
            Map.entry('h', "help"),
            Map.entry('s', "stack"),
            Map.entry('c', "config"),
            Map.entry('t', "target"),
            Map.entry('r', "refresh"),
            Map.entry('p', "parallel"),
            Map.entry('d', "debug"),
            Map.entry('y', "yes"),
            Map.entry('f', "skip-preview"),
            Map.entry('j', "json"),
            Map.entry('m', "message"));

    /**
     * Options the wrapper cannot honour, with why: what runs must be what the guard saw, and the guard sees only the
     * preview it makes here.
     */
    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry(
                    "plan",
                    "the wrapper makes the update plan it guards and runs pulumi up --plan with it; leave --plan out,"
                            + " or guard your plan's preview yourself (pulumi preview --json > preview.json &&"
                            + " lifeboat guard --plan preview.json)"),
            Map.entry("save-plan", "the wrapper saves the plan itself; leave --save-plan out"),
            Map.entry("strict", "the wrapper constrains the update to the plan it saved; leave --strict out"),
            Map.entry(
                    "remote",
                    "a remote deployment runs in Pulumi Deployments, not here, where the guard previewed it; run it"
                            + " without --remote"),
            Map.entry("client", "a language host given with --client runs a program the guard did not preview"),
            Map.entry("preview-only", "a preview deletes nothing; run it directly"));

    private static Map<String, Known> known() {
        Map<String, Known> m = new java.util.HashMap<>();
        for (String g : List.of("color", "cwd", "memprofilerate", "otel-traces", "profiling", "tracing", "verbose")) {
            m.put(g, new Known(g, Arity.VALUE, Role.GLOBAL));
        }
        for (String g : List.of(
                "disable-integrity-checking",
                "emoji",
                "fully-qualify-stack-names",
                "logflow",
                "logtostderr",
                "non-interactive",
                "help")) {
            m.put(g, new Known(g, Arity.FLAG, Role.GLOBAL));
        }
        for (String p : List.of(
                "stack",
                "config-file",
                "config",
                "target",
                "exclude",
                "replace",
                "target-replace",
                "policy-pack",
                "policy-pack-config",
                "parallel")) {
            m.put(p, new Known(p, Arity.VALUE, Role.PLANNING));
        }
        for (String p : List.of(
                "config-path",
                "target-dependents",
                "exclude-dependents",
                "exclude-protected",
                "refresh",
                "run-program",
                "debug")) {
            m.put(p, new Known(p, Arity.FLAG, Role.PLANNING));
        }
        for (String r : List.of("message", "secrets-provider")) {
            m.put(r, new Known(r, Arity.VALUE, Role.RUNNING));
        }
        for (String r : List.of(
                "yes",
                "skip-preview",
                "json",
                "diff",
                "show-config",
                "show-policy-remediations",
                "show-replacement-steps",
                "show-sames",
                "show-secrets",
                "show-reads",
                "suppress-outputs",
                "suppress-progress",
                "show-full-output",
                "suppress-permalink",
                "continue-on-error",
                "expect-no-changes",
                "neo",
                "attach-debugger",
                "remove")) {
            m.put(r, new Known(r, Arity.FLAG, Role.RUNNING));
        }
        return Map.copyOf(m);
    }

    private static final Set<String> UP = Set.of("up", "update");
    private static final Set<String> DESTROY = Set.of("destroy", "down");

    public PulumiRun {
        globals = List.copyOf(globals);
        planning = List.copyOf(planning);
        running = List.copyOf(running);
    }

    /** Whether {@code program} is Pulumi's command line (by name or path). */
    public static boolean isPulumi(String program) {
        return Path.of(program).getFileName().toString().equals("pulumi");
    }

    /**
     * Whether the wrapper previews and guards {@code command}: {@code pulumi up|update|destroy|down}, except a destroy
     * that only previews ({@code --preview-only}), which deletes nothing. Read leniently (an unknown option is taken
     * for one without a value); {@link #parse} is strict.
     */
    public static boolean wraps(List<String> command) {
        if (command.isEmpty() || !isPulumi(command.getFirst())) {
            return false;
        }
        List<String> args = command.subList(1, command.size());
        Optional<Integer> at = subcommandIndex(args);
        if (at.isEmpty()) {
            return false;
        }
        String sub = args.get(at.get());
        boolean previewOnly =
                args.stream().anyMatch(a -> a.equals("--preview-only") || a.startsWith("--preview-only="));
        return UP.contains(sub) || (DESTROY.contains(sub) && !previewOnly);
    }

    /**
     * Where the subcommand stands among {@code args} (the words after the program): the first word that is neither an
     * option nor the value of the option before it, as cobra finds it. Empty when there is none or {@code --} comes
     * first.
     */
    public static Optional<Integer> subcommandIndex(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                return Optional.empty();
            }
            if (!a.startsWith("-") || a.equals("-")) {
                return Optional.of(i);
            }
            if (a.contains("=")) {
                continue;
            }
            Known k = a.startsWith("--")
                    ? LONG.get(a.substring(2))
                    : a.length() == 2
                            ? Optional.ofNullable(SHORT.get(a.charAt(1)))
                                    .map(LONG::get)
                                    .orElse(null)
                            : null;
            if (k != null && k.arity() == Arity.VALUE) {
                i++;
            }
        }
        return Optional.empty();
    }

    /**
     * Reads {@code command} ({@code pulumi -C infra up --stack prod --yes}). Refuses, naming the option and the fix,
     * what the wrapper cannot honour: another program or subcommand, an option it does not know or that would make
     * what runs differ from what was previewed ({@code --plan}, {@code --remote}, ...), an option without its value,
     * an argument (a template or URL).
     */
    public static PulumiRun parse(List<String> command) {
        String line = String.join(" ", command);
        if (command.isEmpty() || !isPulumi(command.getFirst())) {
            throw new InvalidInputException(
                    "the Pulumi wrapper runs pulumi; got `" + line + "`",
                    "lifeboat guard --config lifeboat.yml -- pulumi up (or destroy)");
        }
        List<String> args = command.subList(1, command.size());
        List<String> globals = new ArrayList<>();
        List<String> planning = new ArrayList<>();
        List<String> running = new ArrayList<>();
        String sub = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--") || !a.startsWith("-") || a.equals("-")) {
                if (sub == null && !a.equals("--")) {
                    sub = a;
                    if (!UP.contains(sub) && !DESTROY.contains(sub)) {
                        throw new InvalidInputException(
                                "the wrapper guards pulumi up (update) and destroy (down); got `" + line + "`",
                                "run other subcommands directly; the hook still reads them");
                    }
                    continue;
                }
                throw new InvalidInputException(
                        "`" + line + "` has an argument the wrapper does not run: " + a
                                + " (a template, a URL or a remote deployment is not what the guard previews here)",
                        "run the program of this directory (or -C DIR), with options only; an option's value goes"
                                + " after = or as the next word (--stack prod)");
            }
            List<String> words = new ArrayList<>(List.of(a));
            List<Known> options = new ArrayList<>();
            if (a.startsWith("--")) {
                String flag = a.substring(2);
                int eq = flag.indexOf('=');
                String name = eq < 0 ? flag : flag.substring(0, eq);
                Known k = known(name, line);
                if (eq < 0 && k.arity() == Arity.VALUE) {
                    words.add(value(args, ++i, "--" + name, line));
                }
                options.add(k);
            } else {
                // a short option, or a cluster of them: -y, -yf, -sprod, -s=prod, -s prod
                for (int c = 1; c < a.length(); c++) {
                    String name = SHORT.get(a.charAt(c));
                    if (name == null) {
                        throw unknown("-" + a.charAt(c), line);
                    }
                    Known k = LONG.get(name);
                    options.add(k);
                    if (k.arity() == Arity.VALUE) {
                        if (c + 1 == a.length()) {
                            words.add(value(args, ++i, "-" + a.charAt(c), line));
                        }
                        break; // the rest of the word is its value
                    }
                    if (c + 1 < a.length() && a.charAt(c + 1) == '=') {
                        break; // -y=false
                    }
                }
            }
            boolean anyPlanning = options.stream().anyMatch(k -> k.role() == Role.PLANNING);
            boolean allGlobal = options.stream().allMatch(k -> k.role() == Role.GLOBAL);
            if (allGlobal) {
                globals.addAll(words);
            } else if (anyPlanning) {
                planning.addAll(words);
            } else {
                running.addAll(words);
            }
        }
        if (sub == null) {
            throw new InvalidInputException(
                    "`" + line + "` names no subcommand",
                    "lifeboat guard --config lifeboat.yml -- pulumi up (or destroy)");
        }
        return new PulumiRun(command.getFirst(), globals, DESTROY.contains(sub), planning, running);
    }

    private static Known known(String name, String line) {
        String why = REFUSED.get(name);
        if (why != null || name.startsWith("remote-")) {
            throw new InvalidInputException(
                    "the wrapper cannot honour --" + name + " in `" + line + "`",
                    why != null ? why : REFUSED.get("remote"));
        }
        Known k = LONG.get(name);
        if (k == null) {
            throw unknown("--" + name, line);
        }
        return k;
    }

    private static InvalidInputException unknown(String option, String line) {
        return new InvalidInputException(
                "the wrapper does not know pulumi's option " + option + " in `" + line + "`, so it cannot tell whether"
                        + " it changes what runs after the guard looked",
                "leave it out, or run the preview and guard it yourself: pulumi preview --json > preview.json &&"
                        + " lifeboat guard --plan preview.json --config lifeboat.yml");
    }

    private static String value(List<String> args, int at, String option, String line) {
        if (at >= args.size()) {
            throw new InvalidInputException(
                    option + " has no value in `" + line + "`",
                    "give it one: " + option + " VALUE" + (option.startsWith("--") ? " or " + option + "=VALUE" : ""));
        }
        return args.get(at);
    }

    /**
     * The preview the guard reads: {@code pulumi [globals] preview --json [planning] --save-plan PLAN} for an update
     * (the update plan that {@link #runCommand} is held to), {@code pulumi [globals] destroy --preview-only --json
     * [planning]} for a destroy (Pulumi has no plan for a destroy).
     */
    public List<String> previewCommand(Path savedPlan) {
        List<String> c = new ArrayList<>(List.of(program));
        c.addAll(globals);
        if (destroy) {
            c.addAll(List.of("destroy", "--preview-only", "--json"));
            c.addAll(planning);
        } else {
            c.addAll(List.of("preview", "--json"));
            c.addAll(planning);
            c.add("--save-plan");
            c.add(savedPlan.toString());
        }
        return c;
    }

    /**
     * The command itself, once the preview was allowed: {@code pulumi [globals] up [planning] [running] --plan PLAN}
     * (the update may do only what the guarded preview planned; Pulumi fails it at the first step outside the plan),
     * or {@code pulumi [globals] destroy [planning] [running]}.
     */
    public List<String> runCommand(Path savedPlan) {
        List<String> c = new ArrayList<>(List.of(program));
        c.addAll(globals);
        c.add(destroy ? "destroy" : "up");
        c.addAll(planning);
        c.addAll(running);
        if (!destroy) {
            c.add("--plan");
            c.add(savedPlan.toString());
        }
        return c;
    }
}
