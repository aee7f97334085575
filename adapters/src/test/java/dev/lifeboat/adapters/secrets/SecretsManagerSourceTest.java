package dev.lifeboat.adapters.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.model.DatabaseEngine;
import org.junit.jupiter.api.Test;

class SecretsManagerSourceTest {

    @Test
    void readsTheRdsSecretFormat() {
        var t = SecretsManagerSource.parse("prod/orders", """
                {"engine":"postgres","host":"orders.abc.eu-west-1.rds.amazonaws.com","port":5432,
                 "username":"lifeboat","password":"pw","dbname":"orders"}""");

        assertThat(t.engine()).isEqualTo(DatabaseEngine.POSTGRESQL);
        assertThat(t.host()).isEqualTo("orders.abc.eu-west-1.rds.amazonaws.com");
        assertThat(t.password().reveal()).isEqualTo("pw");
    }

    @Test
    void missingField_isNamed_andNoValueIsEchoed() {
        assertThatThrownBy(() -> SecretsManagerSource.parse(
                        "prod/orders",
                        "{\"engine\":\"mysql\",\"host\":\"h\",\"username\":\"u\",\"password\":\"TopSecret1\"}"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("secret prod/orders has no field 'dbname'")
                .satisfies(
                        e -> assertThat(((InvalidInputException) e).describe()).doesNotContain("TopSecret1"));
    }

    @Test
    void textThatIsNotJson_isRefused_withoutQuotingIt() {
        assertThatThrownBy(() -> SecretsManagerSource.parse("prod/orders", "password=TopSecret1"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("secret prod/orders is not JSON")
                .hasNoCause();
    }

    @Test
    void unknownEngine_listsTheAcceptedOnes() {
        assertThatThrownBy(() -> SecretsManagerSource.parse(
                        "s",
                        "{\"engine\":\"oracle-ee\",\"host\":\"h\","
                                + "\"username\":\"u\",\"password\":\"p\",\"dbname\":\"d\"}"))
                .hasMessageContaining("unknown engine 'oracle-ee'")
                .hasMessageContaining("aurora-postgresql");
    }
}
