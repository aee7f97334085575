package dev.lifeboat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Every quoting, read back by a real POSIX shell: the words it gets are the words that were quoted. */
class ShellWordsTest {
    /** Words a shell reads otherwise: every character a shell gives a meaning, blanks, an empty word, a JSON payload. */
    private static List<String> words() {
        List<String> words = new ArrayList<>(List.of(
                "",
                "plain",
                "o'neil",
                "'",
                "''",
                "a b",
                "tab\there",
                "new\nline",
                "$HOME",
                "${x:-y}",
                "`id`",
                "$(id)",
                "back\\slash",
                "\\'",
                "*",
                "~",
                "a;b",
                "a&&b",
                "a|b",
                "!x",
                "#comment",
                "{a,b}",
                "[x]",
                "-n",
                "--vault=s3://b/p",
                "{\"database\":\"o'neil\",\"targetDatabase\":\"x y\"}"));
        for (char c = 33; c < 127; c++) {
            words.add("w" + c + "w");
        }
        return words;
    }

    @Test
    void everyQuotedWord_isReadBackWhole_byAShell() throws Exception {
        assertReadBack(ShellWords::quoted);
    }

    @Test
    void everySingleQuotedWord_isReadBackWhole_byAShell() throws Exception {
        assertReadBack(ShellWords::singleQuoted);
    }

    @Test
    void aWordAShellReadsAsItIs_staysUnquoted() {
        assertThat(ShellWords.quoted("s3://vault/lifeboat")).isEqualTo("s3://vault/lifeboat");
        assertThat(ShellWords.quoted("a b")).isEqualTo("'a b'");
        assertThat(ShellWords.singleQuoted("plain")).isEqualTo("'plain'");
    }

    private static void assertReadBack(UnaryOperator<String> quote) throws IOException, InterruptedException {
        List<String> words = words();
        StringBuilder script = new StringBuilder("printf '").append('%').append("s\\0'");
        for (String w : words) {
            script.append(' ').append(quote.apply(w));
        }
        Process sh = new ProcessBuilder("sh", "-c", script.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sh.waitFor()).isZero();
        assertThat(List.of(out.split("\0", -1)).subList(0, words.size())).containsExactlyElementsOf(words);
        assertThat(out.split("\0", -1)).hasSize(words.size() + 1);
    }
}
