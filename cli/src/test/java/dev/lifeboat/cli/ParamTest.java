package dev.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.protocol.Param;
import dev.lifeboat.protocol.Vocabulary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue 35: core names Lifeboat's options by {@link Param} only, and every {@code Param} is an option the
 * command line has. The option names come from the command line itself (every command's picocli model), so
 * an option added later is covered without editing this test.
 */
class ParamTest {
    /**
     * Other tools' options that core writes in a remedy (an aws CLI or mariadb-dump command line) and that
     * Lifeboat's command line happens to have too: data, not Lifeboat's vocabulary. File and option.
     */
    private static final Set<String> OTHER_TOOLS = Set.of("TakingDump.java --single-transaction");

    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");

    private static Set<String> lifeboatOptions() {
        Context c = new Context(
                Map.of(),
                Path.of(System.getProperty("java.io.tmpdir")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                Clock.systemUTC(),
                false);
        Set<String> names = new TreeSet<>();
        List<CommandLine> todo = new ArrayList<>(List.of(Lifeboat.commandLine(c)));
        while (!todo.isEmpty()) {
            CommandLine cl = todo.removeLast();
            cl.getCommandSpec().options().forEach(o -> names.addAll(List.of(o.names())));
            todo.addAll(cl.getSubcommands().values());
        }
        names.removeIf(n -> !n.startsWith("--"));
        return names;
    }

    @Test
    void everyParam_isAnOptionOfTheCommandLine() {
        Set<String> options = lifeboatOptions();
        assertThat(options).hasSizeGreaterThan(40);
        for (Param p : Param.values()) {
            assertThat(options).as("%s's flag", p.name()).contains(p.flag());
        }
    }

    @Test
    void coresMainSources_nameNoLifeboatOptionInALiteral_outsideTheGuard() throws IOException {
        Set<String> options = lifeboatOptions();
        Path core = Path.of("..", "core", "src", "main", "java", "dev", "lifeboat", "core");
        List<String> found = new ArrayList<>();
        int literals = 0;
        try (Stream<Path> files = Files.walk(core)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (core.relativize(f).startsWith("guard")) {
                    continue; // the guard reads other tools' command lines: their flags are its data
                }
                for (String text : literals(Files.readString(f))) {
                    literals++;
                    Matcher flag = FLAG.matcher(text);
                    while (flag.find()) {
                        String option = flag.group();
                        if (options.contains(option) && !OTHER_TOOLS.contains(f.getFileName() + " " + option)) {
                            found.add(core.relativize(f) + ": " + option + " in \"" + text + "\"");
                        }
                    }
                }
            }
        }
        assertThat(literals).as("string literals read").isGreaterThan(2000);
        assertThat(found)
                .as("name them by Param, so each front end says them its way")
                .isEmpty();
    }

    /** The scan sees a flag written as a literal, and does not see one named by Param. */
    @Test
    void theScan_findsALiteralFlag_andRendersParams() {
        assertThat(
                        literals(
                                "x(\"pass --create \\\" it\"); // \"--jobs\"\n/* \"--vault\" */ y('\"', \"\"\"\n --wait\"\"\");"))
                .containsExactly("pass --create \\\" it", "\n --wait");
        assertThat(FLAG.matcher("pass --create it").results().map(r -> r.group()))
                .containsExactly("--create");
        String text = "pass " + Param.CREATE + " to create it";
        assertThat(Vocabulary.COMMAND_LINE.render(text)).isEqualTo("pass --create to create it");
        assertThat(Vocabulary.PAYLOAD.render(text)).isEqualTo("pass field 'create' to create it");
        assertThat(Vocabulary.PAYLOAD.render("e.g. " + Param.VAULT + " T"))
                .isEqualTo("e.g. the command line's --vault (no payload field: run lifeboat) T");
    }

    /** The string literals and text blocks of a Java source, as written (escapes left in), comments skipped. */
    static List<String> literals(String src) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < src.length()) {
            if (src.startsWith("//", i)) {
                i = src.indexOf('\n', i) < 0 ? src.length() : src.indexOf('\n', i);
            } else if (src.startsWith("/*", i)) {
                i = src.indexOf("*/", i + 2) + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                while (src.charAt(end - 1) == '\\') {
                    end = src.indexOf("\"\"\"", end + 1);
                }
                out.add(src.substring(i + 3, end));
                i = end + 3;
            } else if (src.charAt(i) == '"' || src.charAt(i) == '\'') {
                char quote = src.charAt(i);
                int j = i + 1;
                while (src.charAt(j) != quote) {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                if (quote == '"') {
                    out.add(src.substring(i + 1, j));
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return out;
    }
}
