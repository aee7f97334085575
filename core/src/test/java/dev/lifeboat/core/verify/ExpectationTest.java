package dev.lifeboat.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.core.error.InvalidInputException;
import dev.lifeboat.core.error.LifeboatException;
import org.junit.jupiter.api.Test;

class ExpectationTest {
    @Test
    void eachOperator_comparesAsWritten() {
        assertThat(Expectation.parse("> 0").test(1)).isTrue();
        assertThat(Expectation.parse("> 0").test(0)).isFalse();
        assertThat(Expectation.parse(">= 10").test(10)).isTrue();
        assertThat(Expectation.parse("<5").test(5)).isFalse();
        assertThat(Expectation.parse(" <= -1.5 ").test(-1.5)).isTrue();
        assertThat(Expectation.parse("= 3").test(3)).isTrue();
        assertThat(Expectation.parse("= 3").test(3.0001)).isFalse();
        assertThat(Expectation.parse(">= 10")).hasToString(">= 10");
        assertThat(Expectation.parse("< 2.5")).hasToString("< 2.5");
    }

    @Test
    void whatIsNotAComparisonWithANumber_isRefused_namingTheForms() {
        for (String bad : new String[] {"", "10", "== 3", "> ten", "!= 0", "> 1e3", "=> 2"}) {
            assertThatThrownBy(() -> Expectation.parse(bad))
                    .as(bad)
                    .isInstanceOf(InvalidInputException.class)
                    .satisfies(
                            e -> assertThat(((LifeboatException) e).describe()).contains(">= 10"));
        }
        assertThatThrownBy(() -> Expectation.parse(null)).isInstanceOf(InvalidInputException.class);
    }
}
