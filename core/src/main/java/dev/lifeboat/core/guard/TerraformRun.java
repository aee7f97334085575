package dev.lifeboat.core.guard;

import dev.lifeboat.core.error.InvalidInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@code terraform} (or {@code tofu}) {@code destroy} or {@code apply} as the wrapper reads it, to run it as a
 * plan, a guard of that plan, and an apply of exactly that plan. Terraform's command line is {@code terraform
 * [global options] SUBCOMMAND [options] [args]}: the global options ({@code -chdir=DIR}, {@code -help}, {@code
 * -version}) go before every subcommand the wrapper runs; the subcommand's options follow Go's flag syntax, so an
 * option that takes a value has it after {@code =} or as the next word ({@code -var k=v} and {@code -var=k=v}).
 *
 * <p>{@code globals}: the options before the subcommand; {@code planOptions}: those the plan takes (the variables,
 * targets, locking, ...; {@code -auto-approve} means nothing to a plan); {@code applyOptions}: those an apply of a
 * saved plan takes; {@code savedPlan}: the plan file {@code apply} was given, null for a new plan.
 */
public record TerraformRun(
        String program,
        List<String> globals,
        String subcommand,
        boolean destroy,
        List<String> planOptions,
        List<String> applyOptions,
        String savedPlan) {

    /** Options of plan and apply that take a value (Terraform 1.x and OpenTofu). */
    private static final Set<String> VALUED = Set.of(
            "var",
            "var-file",
            "target",
            "target-file",
            "exclude",
            "exclude-file",
            "replace",
            "parallelism",
            "lock-timeout",
            "state",
            "state-out",
            "backup",
            "generate-config-out");
    /** The options an apply of a saved plan accepts; the rest belong to the plan that made it. */
    private static final Set<String> APPLY_OF_A_PLAN = Set.of(
            "lock", "lock-timeout", "parallelism", "no-color", "input", "compact-warnings", "state-out", "backup");
    /** The options only an apply takes, never a plan. */
    private static final Set<String> APPLY_ONLY = Set.of("auto-approve", "state-out", "backup");
    /** The options that set what a plan decides, which Terraform refuses beside a saved plan. */
    private static final Set<String> PLANNING =
            Set.of("var", "var-file", "target", "target-file", "exclude", "exclude-file", "replace", "destroy");

    public TerraformRun {
        globals = List.copyOf(globals);
        planOptions = List.copyOf(planOptions);
        applyOptions = List.copyOf(applyOptions);
    }

    /** Whether {@code program} is Terraform or OpenTofu (by name or path). */
    public static boolean isTerraform(String program) {
        String name = Path.of(program).getFileName().toString();
        return name.equals("terraform") || name.equals("tofu");
    }

    /**
     * Reads {@code command} ({@code terraform -chdir=infra destroy -var env=prod}). Refuses, naming the fix, what
     * the wrapper does not guard (another program or subcommand) and what Terraform itself would refuse (a saved
     * plan with variables, a value option without its value).
     */
    public static TerraformRun parse(List<String> command) {
        if (command.isEmpty()) {
            throw new InvalidInputException(
                    "no command after --", "lifeboat guard --config lifeboat.yml -- terraform destroy");
        }
        String program = command.getFirst();
        String name = Path.of(program).getFileName().toString();
        if (!name.equals("terraform") && !name.equals("tofu")) {
            throw new InvalidInputException(
                    "the wrapper plans and guards terraform or tofu; got `" + String.join(" ", command) + "`",
                    "run lifeboat guard -- terraform destroy (or apply)");
        }
        List<String> args = command.subList(1, command.size());
        int i = 0;
        List<String> globals = new ArrayList<>();
        while (i < args.size() && args.get(i).startsWith("-")) {
            globals.add(args.get(i++)); // -chdir=DIR: Terraform's global options take their value after =
        }
        String sub = i < args.size() ? args.get(i++) : "";
        if (!sub.equals("destroy") && !sub.equals("apply")) {
            throw new InvalidInputException(
                    "the wrapper guards " + name + " destroy and apply; got `" + String.join(" ", command) + "`",
                    "run other subcommands directly; they delete nothing");
        }
        boolean destroy = sub.equals("destroy");
        List<String> plan = new ArrayList<>();
        List<String> apply = new ArrayList<>();
        List<String> planning = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        for (; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-") || a.equals("-")) {
                positional.add(a);
                continue;
            }
            if (a.equals("--")) {
                positional.addAll(args.subList(i + 1, args.size()));
                break;
            }
            String flag = a.replaceFirst("^--?", "");
            int eq = flag.indexOf('=');
            String key = eq < 0 ? flag : flag.substring(0, eq);
            List<String> words = new ArrayList<>(List.of(a));
            if (eq < 0 && VALUED.contains(key)) {
                if (i + 1 >= args.size()) {
                    throw new InvalidInputException(
                            "-" + key + " has no value in `" + String.join(" ", command) + "`",
                            "give it one: -" + key + " VALUE or -" + key + "=VALUE");
                }
                words.add(args.get(++i));
            }
            if (key.equals("destroy")) {
                destroy = true;
            }
            if (PLANNING.contains(key)) {
                planning.add(a);
            }
            if (!APPLY_ONLY.contains(key) && !key.equals("destroy")) {
                plan.addAll(words);
            }
            if (APPLY_OF_A_PLAN.contains(key)) {
                apply.addAll(words);
            }
        }
        String saved = null;
        if (!positional.isEmpty()) {
            if (sub.equals("destroy") || positional.size() > 1) {
                throw new InvalidInputException(
                        "`" + String.join(" ", command) + "` has arguments " + name + " " + sub + " does not take: "
                                + String.join(" ", positional),
                        "an option's value goes after = or as the next word (-var env=prod); apply takes one saved"
                                + " plan file");
            }
            saved = positional.getFirst();
            if (!planning.isEmpty()) {
                throw new InvalidInputException(
                        "`" + String.join(" ", command) + "` applies the saved plan " + saved + " and sets "
                                + String.join(" ", planning) + ", which a saved plan already fixed (" + name
                                + " refuses it too)",
                        "leave them out to apply the saved plan as it was made, or leave the plan out to make a new"
                                + " one with them");
            }
        }
        return new TerraformRun(program, globals, sub, destroy, plan, apply, saved);
    }

    /** {@code terraform [globals] plan [-destroy] [options] -out OUT}. */
    public List<String> planCommand(Path out) {
        List<String> c = new ArrayList<>(List.of(program));
        c.addAll(globals);
        c.add("plan");
        if (destroy) {
            c.add("-destroy");
        }
        c.addAll(planOptions);
        c.add("-out");
        c.add(out.toString());
        return c;
    }

    /** {@code terraform [globals] show -json PLAN}. */
    public List<String> showCommand(String plan) {
        List<String> c = new ArrayList<>(List.of(program));
        c.addAll(globals);
        c.addAll(List.of("show", "-json", plan));
        return c;
    }

    /** {@code terraform [globals] apply [options] PLAN}: exactly the plan that was guarded. */
    public List<String> applyCommand(String plan) {
        List<String> c = new ArrayList<>(List.of(program));
        c.addAll(globals);
        c.add("apply");
        c.addAll(applyOptions);
        c.add(plan);
        return c;
    }
}
