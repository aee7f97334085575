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
}
