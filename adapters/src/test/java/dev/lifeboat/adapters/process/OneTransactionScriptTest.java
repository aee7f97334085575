package dev.lifeboat.adapters.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
                .hasMessageContaining("went on after a COMMIT; with 'CREATE TABLE t (v int);'");
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

    /**
     * The hostile review's attack (issue 38): production writes a comment (or a function body, or a default) whose
     * text has a line {@code COPY ... FROM stdin;}; read as a statement, it put the filter into COPY data, which passed
     * the script's COMMIT on to psql and committed the enclosing transaction before the restore ended. Strings,
     * identifiers, comments and bodies of every kind psql knows are not statements.
     */
    @Test
    void linesThatSpellStatementsInsideStringsCommentsAndBodies_areNotStatements() throws Exception {
        String body = """
                COMMENT ON TABLE public.t IS 'innocent
                COPY public.t (v) FROM stdin;
                COMMIT;
                BEGIN;
                ROLLBACK;
                -- it''s a trap
                \\.
                ';
                COMMENT ON TABLE public.u IS E'escaped \\' quote
                COPY public.u (v) FROM stdin;
                COMMIT;
                ';
                CREATE FUNCTION public."odd ""name
                COMMIT;
                "() RETURNS text LANGUAGE plpgsql AS $_$
                BEGIN
                  RETURN $x$
                COMMIT;
                $x$ || '$_';
                END
                $_$;
                /* a block /* nested
                COMMIT;
                */ still a comment
                COPY public.t (v) FROM stdin;
                */
                CREATE FUNCTION public.f() RETURNS integer
                    LANGUAGE sql
                    BEGIN ATOMIC
                 SELECT 1;
                 SELECT CASE WHEN true THEN 1 END;
                END;
                CREATE VIEW public.v AS
                 SELECT (1
                -2) AS n, $1 AS p, x$$y AS w;
                """;
        String out = filtered(HEAD + body + TAIL);

        assertThat(out).isEqualTo(HEAD.replace("BEGIN;\n", "") + body + TAIL.replace("COMMIT;\n", ""));
    }

    /** A statement of transaction control in the middle is refused before it reaches psql. */
    @Test
    void transactionControlOfItsOwn_isRefused_beforeItIsPassedOn() throws Exception {
        for (String statement : List.of("ROLLBACK;", "END;", "commit;", "COMMIT AND CHAIN;", "START TRANSACTION;")) {
            String script =
                    HEAD + "CREATE TABLE public.t (v text);\n" + statement + "\nCREATE TABLE x (v int);\n" + TAIL;
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            assertThatThrownBy(() -> {
                        try (InputStream in = new OneTransactionScript(
                                new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)))) {
                            in.transferTo(got);
                        }
                    })
                    .as(statement)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("transaction control");
            assertThat(got.toString(StandardCharsets.UTF_8)).doesNotContain(statement);
        }
    }

    /** A table of many long-named columns: its COPY statement is a long line, and its data is still data. */
    @Test
    void aCopyStatementLongerThanTheCap_stillStartsData() throws Exception {
        StringBuilder columns = new StringBuilder();
        for (int i = 0; columns.length() <= OneTransactionScript.LINE_CAP; i++) {
            columns.append(i == 0 ? "" : ", ").append("\"column ").append(i).append(" of a wide table\"");
        }
        String body = "COPY public.wide (" + columns + ") FROM stdin;\nit's data\nCOMMIT;\n$$\n\\.\n\n";
        String out = filtered(HEAD + body + TAIL);

        assertThat(out).isEqualTo(HEAD.replace("BEGIN;\n", "") + body + TAIL.replace("COMMIT;\n", ""));
    }

    /** The input in pieces of any size, the same output (state carried across every boundary). */
    @Test
    void inputInRandomPieces_givesTheSame() throws Exception {
        String script = HEAD + """
                COMMENT ON TABLE public.t IS 'a
                COPY public.t (v) FROM stdin;
                ';
                CREATE FUNCTION f() RETURNS text AS $body$ x $bod $body$ LANGUAGE sql;
                COPY public.t (v) FROM stdin;
                COMMIT;
                \\.
                /* c */ SELECT 1; -- d
                """ + TAIL;
        byte[] bytes = script.getBytes(StandardCharsets.UTF_8);
        String whole = filtered(script);
        java.util.Random random = new java.util.Random(38);
        for (int round = 0; round < 200; round++) {
            int seed = random.nextInt();
            InputStream pieces = new ByteArrayInputStream(bytes) {
                private final java.util.Random r = new java.util.Random(seed);

                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    return super.read(b, off, Math.min(len, 1 + r.nextInt(7)));
                }
            };
            try (InputStream in = new OneTransactionScript(pieces)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .as("seed %d", seed)
                        .isEqualTo(whole);
            }
        }
    }
}
