package dev.lifeboat.protocol.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A field given twice is refused and named, from a string and from a stream alike, found by reading the payload, not by
 * the words of the parser's message; a name that is not a plain word is never echoed.
 */
class DuplicateFieldTest {
    private static Object fromStream(String s) {
        return Requests.tree(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFieldGivenTwice_isNamed_atTheTopAndNested_fromAStringAndAStream() {
        for (Function<String, Object> read :
                java.util.List.<Function<String, Object>>of(Requests::tree, DuplicateFieldTest::fromStream)) {
            assertThatThrownBy(() -> read.apply("{\"database\":\"a\",\"from\":\"dump\",\"database\":\"b\"}"))
                    .isInstanceOf(BadRequest.class)
                    .hasMessage("field 'database' is given twice; give it once");
            assertThatThrownBy(() -> read.apply("{\"a\":{\"x\":1,\"y\":[{\"x\":1}],\"x\":2},\"b\":1}"))
                    .isInstanceOf(BadRequest.class)
                    .hasMessage("field 'x' is given twice; give it once");
            assertThatThrownBy(() -> read.apply("\uFEFF{\"jobs\":1,\"jobs\":2}"))
                    .isInstanceOf(BadRequest.class)
                    .hasMessage("field 'jobs' is given twice; give it once");
        }
    }

    @Test
    void theSameNameInTwoObjects_isNotGivenTwice() {
        assertThat(Requests.tree("{\"a\":{\"x\":1},\"b\":{\"x\":2},\"x\":3}")
                        .get("x")
                        .asInt())
                .isEqualTo(3);
    }

    @Test
    void aNameThatIsNotAPlainWord_isNeverEchoed_andStillRefused() {
        String secret = "p4ss w0rd!";
        assertThatThrownBy(() -> Requests.tree("{\"" + secret + "\":1,\"" + secret + "\":2}"))
                .isInstanceOf(BadRequest.class)
                .hasMessageStartingWith("a field is given twice (at line 1, column ")
                .hasMessageNotContaining(secret);
    }

    @Test
    void jsonThatStopsBeforeAnyDuplicate_isNotJson_whereverItStops() {
        assertThatThrownBy(() -> Requests.tree("{\"a\":1,,\"a\":2}"))
                .isInstanceOf(BadRequest.class)
                .hasMessageStartingWith("the payload is not JSON (at line 1");
    }
}
