package dev.lifeboat.adapters.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The script of {@code pg_restore --single-transaction --file=-} without its own BEGIN and COMMIT, by position only
 * (the shape below is pg_restore 15's, checked against the real tool by ParallelDumpIT).
 */
class OneTransactionScriptTest {
    private static final String HEAD = """
            --
            -- PostgreSQL database dump
            --

            \\restrict abc

            -- Dumped from database version 15.18

            BEGIN;

            SET statement_timeout = 0;
            """;
    private static final String TAIL = """
            COMMIT;

            --
            -- PostgreSQL database dump complete
            --

            \\unrestrict abc

            """;

    private static String filtered(String script) throws IOException {
        try (InputStream in =
                new OneTransactionScript(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theScriptsOwnBeginAndCommit_goAway_andEverythingElseStays() throws Exception {
        String body = "CREATE TABLE public.t (v text);\n\n";
        String out = filtered(HEAD + body + TAIL);

        assertThat(out).isEqualTo(HEAD.replace("BEGIN;\n", "") + body + TAIL.replace("COMMIT;\n", ""));
        assertThat(out)
                .doesNotContain("BEGIN;")
                .doesNotContain("COMMIT;")
                .contains("\\restrict abc", "\\unrestrict abc");
    }

    /** Data and bodies that spell BEGIN; or COMMIT; on a line of their own are not the script's statements. */
    @Test
    void commitAndBeginInsideCopyDataOrABody_stay() throws Exception {
        String body = """
                CREATE PROCEDURE public.p() LANGUAGE plpgsql AS $$
                BEGIN
                  INSERT INTO t VALUES ('x');
                COMMIT;
                END $$;

                COPY public.t (v) FROM stdin;
                COMMIT;
                BEGIN;
                -- not a comment
                \\.

                COPY public.u (v) FROM stdin;
                COMMIT;
                \\.

                """;
        String out = filtered(HEAD + body + TAIL);

        assertThat(out).contains(body);
        assertThat(out).endsWith("-- PostgreSQL database dump complete\n--\n\n\\unrestrict abc\n\n");
        assertThat(out.split("\n", -1)).filteredOn(l -> l.equals("COMMIT;")).hasSize(3);
    }

    @Test
    void longLines_streamThrough_unchanged() throws Exception {
        String row = "x".repeat(OneTransactionScript.LINE_CAP * 3) + "\n";
        String body = "COPY public.t (v) FROM stdin;\n" + row + "COMMIT;\n\\.\n\nSELECT pg_catalog.lowrite(0, '"
                + "ab".repeat(OneTransactionScript.LINE_CAP) + "');\n";
        String out = filtered(HEAD + body + TAIL);

        assertThat(out).isEqualTo(HEAD.replace("BEGIN;\n", "") + body + TAIL.replace("COMMIT;\n", ""));
    }

    /** An unexpected script is refused, so that the restore fails instead of committing early or half. */
    @Test
    void aScriptThatDoesNotBeginOrEndAsExpected_isRefused() {
        assertThatThrownBy(() -> filtered("SET x = 1;\nBEGIN;\nCOMMIT;\n"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not begin with BEGIN;");
        assertThatThrownBy(() -> filtered(HEAD + "CREATE TABLE t (v int);\n"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not end with COMMIT;");
        assertThatThrownBy(() -> filtered(HEAD + "COMMIT;\nCREATE TABLE t (v int);\n"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("did not end with COMMIT;");
        assertThatThrownBy(() -> filtered(HEAD + "COPY public.t (v) FROM stdin;\nCOMMIT;\n"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("inside COPY data");
    }

    /** Read a byte at a time, the same. */
    @Test
    void readByByte_givesTheSame() throws Exception {
        String script = HEAD + "CREATE TABLE public.t (v text);\n" + TAIL;
        StringBuilder out = new StringBuilder();
        try (InputStream in =
                new OneTransactionScript(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)))) {
            int c;
            while ((c = in.read()) >= 0) {
                out.append((char) c);
            }
        }
        assertThat(out.toString()).isEqualTo(filtered(script));
    }
}
