package dev.lifeboat.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConnectionUrlTest {

    @Test
    void parsesAPostgresUrl() {
        DatabaseTarget t = ConnectionUrl.parse("--source", "postgresql://app@db.internal:6432/orders");

        assertThat(t)
                .isEqualTo(new DatabaseTarget(
                        DatabaseEngine.POSTGRESQL, "db.internal", 6432, "orders", "app", Secret.none()));
    }

    @Test
    void defaultsThePortByEngine() {
        assertThat(ConnectionUrl.parse("--source", "mariadb://root@h/shop").port())
                .isEqualTo(3306);
        assertThat(ConnectionUrl.parse("--source", "mysql://root@h/shop").engine())
                .isEqualTo(DatabaseEngine.MYSQL);
        assertThat(ConnectionUrl.parse("--source", "postgres://u@h/d").port()).isEqualTo(5432);
    }

    @Test
    void refusesAPasswordInTheUrl_withoutEchoingIt() {
        assertThatThrownBy(() -> ConnectionUrl.parse("--target", "postgresql://app:hunter2@h/db"))
                .hasMessageContaining("--target contains a password")
                .hasMessageContaining("PGPASSWORD")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void namesTheMissingPart() {
        assertThatThrownBy(() -> ConnectionUrl.parse("--source", "postgresql://h/db"))
                .hasMessageContaining("USER is missing");
        assertThatThrownBy(() -> ConnectionUrl.parse("--source", "postgresql://u@h/"))
                .hasMessageContaining("(DB) is missing");
        assertThatThrownBy(() -> ConnectionUrl.parse("--source", "oracle://u@h/db"))
                .hasMessageContaining("unknown scheme 'oracle'");
    }

    @Test
    void printingATarget_neverPrintsItsPassword() {
        DatabaseTarget t = new DatabaseTarget(DatabaseEngine.POSTGRESQL, "h", 5432, "d", "u", Secret.of("s3cret"));

        assertThat(t.toString()).doesNotContain("s3cret").contains("****");
        assertThat(t.describe()).doesNotContain("s3cret");
    }

    @Test
    void tls_defaultsToVerifyFullAwayFromThisHost_andToPreferOnLoopback() {
        assertThat(ConnectionUrl.parse("--source", "postgresql://u@db.internal/d")
                        .tls())
                .isEqualTo(new Tls(Tls.Mode.VERIFY_FULL, null));
        assertThat(ConnectionUrl.parse("--source", "mariadb://u@orders.abc.eu-west-1.rds.amazonaws.com/d")
                        .tls()
                        .mode())
                .isEqualTo(Tls.Mode.VERIFY_FULL);
        for (String loopback : new String[] {"localhost", "127.0.0.1", "127.1.2.3", "[::1]"}) {
            assertThat(ConnectionUrl.parse("--source", "postgresql://u@" + loopback + "/d")
                            .tls()
                            .mode())
                    .as(loopback)
                    .isEqualTo(Tls.Mode.PREFER);
        }
    }

    @Test
    void tls_isTakenFromSslmodeAndSslrootcert_forBothEngines() {
        assertThat(ConnectionUrl.parse(
                                "--source", "postgresql://u@127.0.0.1/d?sslmode=verify-full&sslrootcert=/etc/ca.pem")
                        .tls())
                .isEqualTo(new Tls(Tls.Mode.VERIFY_FULL, "/etc/ca.pem"));
        assertThat(ConnectionUrl.parse("--target", "mariadb://u@db.internal/d?sslmode=disable")
                        .tls())
                .isEqualTo(new Tls(Tls.Mode.DISABLE, null));
        assertThat(ConnectionUrl.parse("--target", "mysql://u@h/d?sslmode=require")
                        .tls()
                        .mode())
                .isEqualTo(Tls.Mode.REQUIRE);
    }

    @Test
    void tls_mistakesAreNamed() {
        assertThatThrownBy(() -> ConnectionUrl.parse("--source", "postgresql://u@h/d?sslmode=verify_full"))
                .hasMessageContaining("--source: sslmode 'verify_full' is not a TLS mode")
                .hasMessageContaining("verify-full");
        assertThatThrownBy(() -> ConnectionUrl.parse("--source", "postgresql://u@h/d?sslrootcert=/ca.pem"))
                .hasMessageContaining("sslrootcert needs sslmode=verify-ca or sslmode=verify-full");
        assertThatThrownBy(() -> ConnectionUrl.parse("--source", "postgresql://u@h/d?connect_timeout=5"))
                .hasMessageContaining("'connect_timeout' is not one Lifeboat passes on");
        assertThatThrownBy(() -> ConnectionUrl.parse("--source", "postgresql://u@h/d#x"))
                .hasMessageContaining("'#x' has no meaning");
    }
}
