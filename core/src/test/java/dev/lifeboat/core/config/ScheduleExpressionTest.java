package dev.lifeboat.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleExpressionTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = ';',
            value = {
                "cron(0 3 * * ? *); 1",
                "cron(0 3 ? * MON *); 1",
                "cron(5 * * * ? *); 24",
                "cron(0,30 * * * ? *); 48",
                "cron(0 */6 * * ? *); 4",
                "cron(15 8-17 ? * MON-FRI *); 10",
                "cron(0/15 0 * * ? *); 4",
                "rate(1 hour); 24",
                "rate(6 hours); 4",
                "rate(7 hours); 4",
                "rate(90 minutes); 16",
                "rate(1 day); 1",
                "rate(3 days); 1"
            })
    void runsPerDay_isTheMostTimesItFiresInOneDay(String expression, int runs) {
        assertThat(ScheduleExpression.problem(expression)).isEmpty();
        assertThat(ScheduleExpression.runsPerDay(expression)).isEqualTo(runs);
    }
}
