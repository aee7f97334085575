package dev.lifeboat.adapters.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.DatabaseTarget;
import dev.lifeboat.core.model.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCredentialsTest {
    private final DatabaseTarget pg =
            new DatabaseTarget(DatabaseEngine.POSTGRESQL, "db.internal", 5432, "orders", "app", Secret.none());
    private final DatabaseTarget maria =
            new DatabaseTarget(DatabaseEngine.MARIADB, "h", 3306, "shop", "root", Secret.none());

    @Test
    void pgpassword_winsOverThePgpassFile(@TempDir Path home) throws IOException {
        Files.writeString(home.resolve(".pgpass"), "*:*:*:*:from-file\n");

        assertThat(new LocalCredentials(Map.of("PGPASSWORD", "from-env"), home)
                        .complete(pg)
                        .password()
                        .reveal())
                .isEqualTo("from-env");
        assertThat(new LocalCredentials(Map.of(), home).complete(pg).password().reveal())
                .isEqualTo("from-file");
    }

    @Test
    void pgpass_matchesTheFirstFittingLine_withWildcardsAndEscapes(@TempDir Path home) throws IOException {
        Files.writeString(home.resolve(".pgpass"), """
                # comment
                other:5432:orders:app:wrong
                db.internal:5432:billing:app:wrong-db
                db.internal:*:orders:app:pa\\:ss\\\\word
                *:*:*:*:fallback
                """);

        assertThat(new LocalCredentials(Map.of(), home).complete(pg).password().reveal())
                .isEqualTo("pa:ss\\word");
    }

    @Test
    void pgpassfile_variable_pointsElsewhere(@TempDir Path home) throws IOException {
        Path file = home.resolve("custom");
        Files.writeString(file, "*:*:orders:*:custom-pw\n");

        assertThat(new LocalCredentials(Map.of("PGPASSFILE", file.toString()), home)
                        .complete(pg)
                        .password()
                        .reveal())
                .isEqualTo("custom-pw");
    }

    @Test
    void mysql_readsMysqlPwd_thenTheClientSectionOfMyCnf(@TempDir Path home) throws IOException {
        Files.writeString(
                home.resolve(".my.cnf"), "[mysqld]\npassword=server\n[client]\nuser=root\npassword = \"cnf pw\"\n");

        assertThat(new LocalCredentials(Map.of("MYSQL_PWD", "env-pw"), home)
                        .complete(maria)
                        .password()
                        .reveal())
                .isEqualTo("env-pw");
        assertThat(new LocalCredentials(Map.of(), home)
                        .complete(maria)
                        .password()
                        .reveal())
                .isEqualTo("cnf pw");
    }

    @Test
    void nothingFound_leavesThePasswordEmpty(@TempDir Path home) {
        assertThat(new LocalCredentials(Map.of(), home).complete(pg).password().isEmpty())
                .isTrue();
    }

    /** Regression (issue 10, item 6): a quoted, escaped password in ~/.my.cnf was read with its escapes. */
    @Test
    void myCnf_quotedAndEscapedValues_areReadAsTheClientsReadThem() {
        assertThat(LocalCredentials.optionValue("\"pa\\\"ss\\\\word\"")).isEqualTo("pa\"ss\\word");
        assertThat(LocalCredentials.optionValue("'with\\sspace'")).isEqualTo("with space");
        assertThat(LocalCredentials.optionValue("plain # a comment")).isEqualTo("plain");
        assertThat(LocalCredentials.optionValue("\"has # inside\"")).isEqualTo("has # inside");
        assertThat(LocalCredentials.optionValue("back\\qslash")).isEqualTo("back\\qslash");
    }
}
