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

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "cron(0 22-2 * * ? *)| hours field '22-2' has the range 22-2, which runs backwards; write it as two: 22-23,0-2",
                "cron(50-10 3 * * ? *)| minutes field '50-10' has the range 50-10",
                "cron(*/0 3 * * ? *)| minutes field '*/0' has a step of 0",
                "cron(0/0 * * * ? *)| minutes field '0/0' has a step of 0",
                "cron(0 3 * NOV-FEB ? *)| month field 'NOV-FEB' has the range NOV-FEB, which runs backwards; write it as two: 11-12,1-2"
            })
    void whatItsPatternLetsThrough_butNoReaderAgreesOn_isRefused(String expression, String problem) {
        assertThat(ScheduleExpression.problem(expression))
                .hasValueSatisfying(p -> assertThat(p).contains(problem));
    }
}
