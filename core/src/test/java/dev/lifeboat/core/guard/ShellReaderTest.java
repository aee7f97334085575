package dev.lifeboat.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.guard.ShellReader.Command;
import dev.lifeboat.core.guard.ShellReader.InputKind;
import dev.lifeboat.core.guard.ShellReader.Word;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shell reader: words as a shell passes them, the commands of every construct, and what it refuses. */
class ShellReaderTest {
    private static List<List<String>> commands(String text) {
        return ShellReader.read(text).commands().stream()
                .filter(c -> !c.words().isEmpty())
                .map(c -> c.words().stream().map(Word::text).toList())
                .toList();
    }

    @Test
    void quoting_isRemovedAsAShellRemovesIt() {
        assertThat(commands("a 'b c' \"d;e\" f\\ g $'h\\ti\\x41' \"j\\\"k\" 'l'\"m\"n; h && i | j"))
                .containsExactly(
                        List.of("a", "b c", "d;e", "f g", "h\tiA", "j\"k", "lmn"),
                        List.of("h"),
                        List.of("i"),
                        List.of("j"));
    }

    @Test
    void compoundCommands_yieldTheCommandsInside_notTheirKeywords() {
        assertThat(commands("if a; then b; elif c; then d; else e; fi; while f; do g; done; until h; do i; done"))
                .containsExactly(
                        List.of("a"),
                        List.of("b"),
                        List.of("c"),
                        List.of("d"),
                        List.of("e"),
                        List.of("f"),
                        List.of("g"),
                        List.of("h"),
                        List.of("i"));
        assertThat(commands("for x in 1 2; do a $x; done; case $y in p|q) b ;; *) c ;; esac; { d; }; ( e ); ! f"))
                .containsExactly(
                        List.of("a", "$x"), List.of("b"), List.of("c"), List.of("d"), List.of("e"), List.of("f"));
        assertThat(commands("g() { a; }\nfunction h { b; }\nc # d e"))
                .containsExactly(List.of("a"), List.of("b"), List.of("c"));
    }

    @Test
    void substitutions_areReadAsCommands_andMakeTheirWordUnknown() {
        Command c = ShellReader.read("echo \"$(a b)\" `c d` <(e) $((1+2)) ${X:-$(f)}")
                .commands()
                .getFirst();
        assertThat(c.words()).allSatisfy(w -> {
            if (!w.text().equals("echo")) {
                assertThat(w.known()).as(w.text()).isFalse();
            }
        });
        List<String> inner = c.words().stream()
                .flatMap(w -> w.substitutions().stream())
                .flatMap(s -> s.commands().stream())
                .map(x -> x.words().getFirst().text())
                .toList();
        assertThat(inner).containsExactly("a", "c", "e", "f");
    }

    @Test
    void redirections_hereDocumentsAndHereStrings_areTheCommandsInput() {
        Command heredoc = ShellReader.read("psql <<'SQL' > out 2>&1\nDROP $x;\nSQL\necho after")
                .commands()
                .getFirst();
        assertThat(heredoc.words()).extracting(Word::text).containsExactly("psql");
        assertThat(heredoc.stdin().kind()).isEqualTo(InputKind.TEXT);
        assertThat(heredoc.stdin().text().text()).isEqualTo("DROP $x;\n");
        assertThat(heredoc.stdin().text().known()).isTrue();

        Command unquoted = ShellReader.read("sh <<EOF\n$(a)\nEOF").commands().getFirst();
        assertThat(unquoted.stdin().text().known()).isFalse();

        Command hereString = ShellReader.read("bash <<< 'x y'").commands().getFirst();
        assertThat(hereString.stdin().text().text()).isEqualTo("x y");

        List<Command> pipe = ShellReader.read("echo a | bash").commands();
        assertThat(pipe.get(1).stdin().kind()).isEqualTo(InputKind.PIPE);
        assertThat(pipe.get(1).stdin().from()).isSameAs(pipe.getFirst());
    }

    @Test
    void assignments_areTold_fromArguments() {
        Command c = ShellReader.read("A=1 B=\"2 3\" cmd C=4").commands().getFirst();
        assertThat(c.assignments()).extracting(Word::text).containsExactly("A=1", "B=2 3");
        assertThat(c.words()).extracting(Word::text).containsExactly("cmd", "C=4");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "echo 'open",
                "echo \"open",
                "echo $(open",
                "echo `open",
                "if true; then a",
                "{ a;",
                "a )",
                "done",
                "cat <<EOF\nno end",
                "for x in 1; a; done",
                "case x in a) b;;",
                "echo ${open",
            })
    void textAShellWouldRefuse_isUnreadable(String text) {
        assertThatThrownBy(() -> ShellReader.read(text)).isInstanceOf(ShellReader.Unreadable.class);
    }
}
