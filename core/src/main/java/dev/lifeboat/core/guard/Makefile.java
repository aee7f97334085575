package dev.lifeboat.core.guard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Enough of a Makefile to know what {@code make TARGET} runs: its simple variables ({@code NAME = value}, {@code
 * :=}, {@code ?=}, {@code +=}, and {@code NAME=value} on make's command line, which win), its explicit rules
 * ({@code target: prerequisites}) and their recipes (lines starting with a tab, {@code @ - +} taken off), with
 * {@code $(NAME)}/{@code ${NAME}}, {@code $@}, {@code $$} expanded. A reference it cannot expand stays as written,
 * which the shell reader then reads as a command substitution: unknown, so a destructive tool behind it is caught.
 */
final class Makefile {
    private static final Pattern VARIABLE =
            Pattern.compile("^([A-Za-z_][A-Za-z0-9_.-]*)\\s*(:{1,3}=|\\?=|\\+=|=)(.*)$");
    private static final Pattern RULE = Pattern.compile("^([^:=#\\t][^:=#]*?)\\s*::?(?!=)(.*)$");
    private static final Pattern REFERENCE = Pattern.compile("\\$[({]([A-Za-z_][A-Za-z0-9_.-]*)[)}]");

    private final Map<String, String> vars = new HashMap<>();
    private final Map<String, List<String>> prerequisites = new HashMap<>();
    private final Map<String, List<String>> recipes = new HashMap<>();
    private String first;

    private Makefile() {}

    static Makefile parse(String text, Map<String, String> overrides) {
        Makefile m = new Makefile();
        m.vars.put("MAKE", "make");
        List<String> current = List.of();
        for (String line : text.replace("\\\n", " ").split("\n", -1)) {
            if (line.startsWith("\t")) {
                List<String> targets = current;
                for (String t : targets) {
                    m.recipes.computeIfAbsent(t, k -> new ArrayList<>()).add(line.substring(1));
                }
                continue;
            }
            String l = line.replaceFirst("#.*$", "").strip();
            if (l.isEmpty()) {
                continue;
            }
            Matcher v = VARIABLE.matcher(l);
            if (v.matches()) {
                String value = v.group(3).strip();
                if (v.group(2).equals("+=") && m.vars.containsKey(v.group(1))) {
                    value = m.vars.get(v.group(1)) + " " + value;
                }
                if (!v.group(2).equals("?=") || !m.vars.containsKey(v.group(1))) {
                    m.vars.put(v.group(1), value);
                }
                current = List.of();
                continue;
            }
            Matcher r = RULE.matcher(l);
            if (r.matches()) {
                List<String> targets = List.of(r.group(1).strip().split("\\s+", -1));
                String rest = r.group(2);
                String inline = null;
                int semi = rest.indexOf(';');
                if (semi >= 0) {
                    inline = rest.substring(semi + 1);
                    rest = rest.substring(0, semi);
                }
                for (String t : targets) {
                    if (m.first == null && !t.startsWith(".") && !t.contains("%")) {
                        m.first = t;
                    }
                    m.prerequisites
                            .computeIfAbsent(t, k -> new ArrayList<>())
                            .addAll(
                                    rest.isBlank()
                                            ? List.of()
                                            : List.of(rest.strip().split("\\s+", -1)));
                    if (inline != null) {
                        m.recipes.computeIfAbsent(t, k -> new ArrayList<>()).add(inline);
                    }
                }
                current = targets;
            }
        }
        m.vars.putAll(overrides);
        return m;
    }

    String first() {
        return first;
    }

    List<String> prerequisites(String target) {
        return prerequisites.getOrDefault(target, List.of()).stream()
                .map(p -> expand(p, target, 0))
                .toList();
    }

    /** The recipe's lines, expanded, ready for the shell. */
    List<String> recipe(String target) {
        List<String> out = new ArrayList<>();
        for (String line : recipes.getOrDefault(target, List.of())) {
            out.add(expand(line.strip().replaceFirst("^[@+-]+", ""), target, 0));
        }
        return out;
    }

    private String expand(String text, String target, int depth) {
        if (depth > 10) {
            return text;
        }
        StringBuilder b = new StringBuilder();
        Matcher m = REFERENCE.matcher(text);
        int last = 0;
        while (m.find()) {
            b.append(text, last, m.start());
            String v = vars.get(m.group(1));
            b.append(v == null ? m.group() : expand(v, target, depth + 1));
            last = m.end();
        }
        b.append(text.substring(last));
        return b.toString()
                .replace("$@", target)
                .replace(
                        "$<",
                        prerequisites.getOrDefault(target, List.of("")).stream()
                                .findFirst()
                                .orElse(""))
                .replace("$$", "$");
    }
}
