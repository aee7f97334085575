package dev.lifeboat.core.dump;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.ClientTooOldException;
import dev.lifeboat.core.model.DatabaseEngine;
import dev.lifeboat.core.model.ServerInfo;
import dev.lifeboat.core.model.SoftwareVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientVersionPolicyTest {

    @ParameterizedTest(name = "{0} server {1}, {2} {3}: allowed={4}")
    @CsvSource({
        "POSTGRESQL, 16.4, pg_dump, 16.0, true",
        "POSTGRESQL, 16.4, pg_dump, 17.2, true",
        "POSTGRESQL, 16.4, pg_dump, 15.18, false",
        "MARIADB, 11.4.2, mariadb-dump, 11.4.0, true",
        "MARIADB, 11.4.2, mariadb-dump, 10.11.19, false",
        "MARIADB, 10.6.1, mariadb-dump, 10.11.19, true",
        "MYSQL, 8.0.35, mysqldump, 5.7.44, false",
        "MYSQL, 8.0.35, mariadb-dump, 10.11.19, true",
    })
    void clientMustBeAtLeastAsNewAsTheServer(
            DatabaseEngine engine, String server, String tool, String client, boolean allowed) {
        ServerInfo info = new ServerInfo(engine, SoftwareVersion.parse(server));
        var check = assertThatCode(() -> ClientVersionPolicy.check(info, tool, SoftwareVersion.parse(client)));
        if (allowed) {
            check.doesNotThrowAnyException();
        } else {
            check.isInstanceOf(ClientTooOldException.class).hasMessageContaining("is older than");
        }
    }

    @ParameterizedTest
    @CsvSource({"15.4, 16.1"})
    void pgRestoreCannotReadANewerArchive(String loader, String dumper) {
        assertThatThrownBy(() -> ClientVersionPolicy.checkLoad(
                        DatabaseEngine.POSTGRESQL,
                        "pg_restore",
                        SoftwareVersion.parse(loader),
                        SoftwareVersion.parse(dumper)))
                .isInstanceOf(ClientTooOldException.class)
                .hasMessageContaining("cannot read an archive written by pg_dump 16.1.0");
    }
}
